using System.Text;
using Confluent.Kafka;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>Service-agreement rates end to end: account files in the inbox, rate history in the store.</summary>
[Collection(PipelineCollection.Name)]
public sealed class RatePipelineTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    /// <summary>The spec's worked example (section 4.3), with the intended values.</summary>
    private static readonly string[] IntendedHistory =
    [
        "1234567890,ER-BASIC,2018-01-01T00:00:00Z,2018-04-30T23:59:59Z",
        "1234567890,ER_BASIC,2018-05-01T00:00:00Z,2018-05-31T23:59:59Z",
        "1234567890,ERES1,2018-06-01T00:00:00Z,",
    ];

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task The_worked_example_dropped_as_four_files_gives_the_intended_history(StoreKind store)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, "worked");
        foreach (var file in WorkedExampleFiles())
        {
            scenario.DropCopy(file);
        }

        var result = await scenario.RunOnceAsync(Entity.Rate);

        Assert.True(result.Succeeded);
        Assert.Equal(4, result.Files.Count);
        Assert.Equal(IntendedHistory, WorkedExampleHistory(await scenario.RatesAsync()));
        var audit = await scenario.WithStoreAsync(async s => await s.ReadRateAuditAsync(CancellationToken.None).ToListAsync());
        Assert.Contains(audit, a => a.ServiceAgreementId == "1234567890" && a.RateCode == "ER-DMINU");
    }

    [Fact]
    public async Task Reverse_order_re_sent_files_and_replays_give_the_identical_history()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "reverse");
        var files = WorkedExampleFiles();
        foreach (var file in files.Reverse())
        {
            scenario.DropCopy(file);
            // New groups each time: the earlier files' events replay as no-ops, and no run waits for the previous run's group.
            scenario.StartNewGroups();
            Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);
        }

        Assert.Equal(IntendedHistory, WorkedExampleHistory(await scenario.RatesAsync()));

        foreach (var file in files)
        {
            File.Move(scenario.ProcessedPath(Path.GetFileName(file)), Path.Combine(scenario.Inbox, Path.GetFileName(file)));
        }

        // A true re-send (same name, same content) is skipped as a duplicate unless reprocessed: reprocess it, to re-apply it.
        scenario.Settings["Extractor:Reprocess"] = "true";
        var resent = await scenario.RunOnceAsync(Entity.Rate);
        Assert.True(resent.Succeeded);
        Assert.All(resent.Outcomes, outcome => Assert.Equal(FileOutcomeKind.Published, outcome.Kind));
        await scenario.ReplayAllAsync();
        await scenario.ReplayAllAsync();

        Assert.Equal(IntendedHistory, WorkedExampleHistory(await scenario.RatesAsync()));
        var files4 = await scenario.WithStoreAsync(s => s.GetFilesAsync(CancellationToken.None));
        Assert.All(files4, f => Assert.True(f.Reconciles && f.RowsRead == f.RowsApplied, $"{f.FileName} does not reconcile"));
    }

    [Fact]
    public async Task A_backdated_version_is_inserted_between_two_and_the_later_line_of_a_file_wins()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "backdated");
        scenario.Drop(AccountFileName(20200101000000), Accounts(
            ("SA-1", "A1", "2020-01-01 00:00:00"),
            ("SA-1", "A3", "2020-06-01 00:00:00"),
            ("SA-2", "FIRST", "2021-01-01"),
            ("SA-2", "SECOND", "2021-01-01")));
        scenario.Drop(AccountFileName(20200301000000), Accounts(("SA-1", "A2", "2020-03-01T00:00:00Z")));

        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);

        Assert.Equal(
            [
                "SA-1,A1,2020-01-01T00:00:00Z,2020-02-29T23:59:59Z",
                "SA-1,A2,2020-03-01T00:00:00Z,2020-05-31T23:59:59Z",
                "SA-1,A3,2020-06-01T00:00:00Z,",
                "SA-2,SECOND,2021-01-01T00:00:00Z,",
            ],
            Lines(await scenario.RatesAsync(), 4));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Identifiers_that_look_like_SQL_are_stored_verbatim(StoreKind store)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, "sql-text");
        scenario.Drop(AccountFileName(20200101000000), Accounts(("x'); DROP TABLE rates;--", "R'--", "2020-01-01")));

        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);

        Assert.Equal(["x'); DROP TABLE rates;--,R'--,2020-01-01T00:00:00Z,"], Lines(await scenario.RatesAsync(), 4));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Every_rate_rule_rejects_its_row_with_line_and_rule_and_the_rest_of_the_file_applies(StoreKind store)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, "rate-rules");
        scenario.Settings["Utility:TimeZone"] = "America/New_York";
        var tooLong = new string('9', 41);
        var file = new LinesFile(AccountHeader);
        file.Line("A\tGOOD-1\tR1\t2020-01-01 00:00:00\t");                      // 2 applied
        file.Line("A\t\tR1\t2020-01-01 00:00:00\t");                            // 3 missing_required service_agreement_id
        file.Line("A\tSA-3\t \t2020-01-01 00:00:00\t");                         // 4 missing_required sa_rate_code (blank is empty)
        file.Line("A\tSA-4\tR1\t\t");                                          // 5 missing_required effective_datetime
        file.Line($"A\t{tooLong}\tR1\t2020-01-01 00:00:00\t");                  // 6 too_long service_agreement_id
        file.Line($"A\tSA-6\t{tooLong}\t2020-01-01 00:00:00\t");                // 7 too_long sa_rate_code
        file.Line("A\tSA-7\tR1\t2020-13-01 00:00:00\t");                        // 8 invalid_datetime effective_datetime
        file.Line("A\tSA-8\tR1\t2026-03-08 02:30:00\t");                        // 9 nonexistent_local_time
        file.Line("A\tSA-9\tR1\t2026-11-01 01:30:00\t");                        // 10 ambiguous_local_time
        file.Line("A\tSA-10\tR1\t2020-01-01 00:00:00");                         // 11 wrong_column_count
        file.Bytes([.. Encoding.UTF8.GetBytes("A\tSA-11\tR"), 0xFF, .. Encoding.UTF8.GetBytes("\t2020-01-01\t\n")]); // 12 invalid_encoding
        file.Line("A\tSA-12\tR1\t2020-01-01 00:00:00\tyesterday");              // 13 invalid_datetime updated_at
        file.Line($"{tooLong}\tSA-13\tR1\t2020-01-01 00:00:00\t");              // 14 too_long account_id
        file.Line("A\tGOOD-2\tR2\t2026-11-01 01:30:00-05:00\t");                // 15 applied (offset makes it exact)
        var name = AccountFileName(20200101000000);
        scenario.DropBytes(name, file.ToArray());

        var result = await scenario.RunOnceAsync(Entity.Rate);

        var reconciliation = Assert.Single(result.Files);
        Assert.Equal((14L, 2L, 12L), (reconciliation.RowsRead, reconciliation.RowsApplied, reconciliation.RowsRejected));
        Assert.Equal(
            [
                "GOOD-1,R1,2020-01-01T05:00:00Z,",
                "GOOD-2,R2,2026-11-01T06:30:00Z,",
            ],
            Lines(await scenario.RatesAsync(), 4));
        string[] expected =
        [
            $"rates,{name},3,missing_required,service_agreement_id",
            $"rates,{name},4,missing_required,sa_rate_code",
            $"rates,{name},5,missing_required,effective_datetime",
            $"rates,{name},6,too_long,service_agreement_id",
            $"rates,{name},7,too_long,sa_rate_code",
            $"rates,{name},8,invalid_datetime,effective_datetime",
            $"rates,{name},9,nonexistent_local_time,effective_datetime",
            $"rates,{name},10,ambiguous_local_time,effective_datetime",
            $"rates,{name},11,wrong_column_count,",
            $"rates,{name},12,invalid_encoding,sa_rate_code",
            $"rates,{name},13,invalid_datetime,service_agreement_rate_updated_at",
            $"rates,{name},14,too_long,account_id",
        ];
        Assert.Equal(expected, Lines(await scenario.RejectsAsync(), 5));

        var deadLetters = ReadDeadLetters(scenario, 12);
        Assert.Equal(
            Enumerable.Range(3, 12).ToArray(),
            deadLetters.Select(d => (int)d.Lineage.Line).Order().ToArray());
        var nonexistent = Assert.Single(deadLetters, d => d.Lineage.Line == 9);
        Assert.Equal("nonexistent_local_time", nonexistent.Rule);
        var original = RawRowSerializer.For(Entity.Rate).Deserialize(nonexistent.OriginalEvent);
        Assert.Equal(9, original.Lineage.Line);
        Assert.Equal("2026-03-08 02:30:00", original.Values[EntityLayout.Rate.IndexOf(RateColumns.EffectiveDatetime)]);
    }

    [Fact]
    public async Task Undecodable_events_are_dead_lettered_and_the_partition_keeps_flowing()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "poison");
        var good = RawRowSerializer.For(Entity.Rate).Serialize(new RawRow(new Lineage("x", 1, 2), ["SA-1", "R", "2020-01-01", null, null]));
        byte[] unknownFingerprint = [0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0];
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            // Same key as the file's row: the poison sits ahead of it in the same partition.
            foreach (var poison in new[] { "not avro at all"u8.ToArray(), unknownFingerprint, good[..^3] })
            {
                await producer.ProduceAsync(scenario.Topics.Rows(Entity.Rate), new Message<byte[], byte[]> { Key = "SA-1"u8.ToArray(), Value = poison });
            }
        }

        scenario.Drop(AccountFileName(20200101000000), Accounts(("SA-1", "R1", "2020-01-01")));

        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);

        Assert.Equal(["SA-1,R1,2020-01-01T00:00:00Z,"], Lines(await scenario.RatesAsync(), 4));
        var rejects = Lines(await scenario.RejectsAsync(), 4);
        Assert.Equal(3, rejects.Length);
        Assert.All(rejects, r => Assert.Matches(@"^rates,kafka:.*,\d+,undecodable_event$", r));
        var deadLetters = ReadDeadLetters(scenario, 3);
        Assert.Equal("not avro at all"u8.ToArray(), deadLetters[0].OriginalEvent);
        Assert.Contains("fingerprint", deadLetters[1].Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Two_consumer_instances_in_one_group_split_the_partitions_and_the_result_is_exact()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "scale");
        var expected = new List<string>();
        var rows = new List<(string, string, string)>();
        for (var agreement = 0; agreement < 300; agreement++)
        {
            for (var month = 1; month <= 4; month++)
            {
                rows.Add(($"SA-{agreement:D4}", $"R{month}", $"2022-{month:D2}-01 00:00:00"));
                expected.Add(month < 4
                    ? $"SA-{agreement:D4},R{month},2022-{month:D2}-01T00:00:00Z,{new DateTime(2022, month + 1, 1).AddSeconds(-1):yyyy-MM-dd'T'HH:mm:ss'Z'}"
                    : $"SA-{agreement:D4},R{month},2022-{month:D2}-01T00:00:00Z,");
            }
        }

        scenario.Drop(AccountFileName(20220101000000), Accounts([.. rows]));
        var firstLog = new RecordingLoggerProvider();
        var secondLog = new RecordingLoggerProvider();
        using var first = scenario.BuildHost([Entity.Rate], extractor: false, firstLog);
        using var second = scenario.BuildHost([Entity.Rate], extractor: false, secondLog);
        await first.StartAsync();
        await second.StartAsync();
        try
        {
            // Publish only once both instances own partitions, so the split is what the test observes.
            await WaitUntilAsync(() => OwnsPartitions(firstLog) && OwnsPartitions(secondLog), TimeSpan.FromSeconds(60));
            using var extractor = scenario.BuildHost([], extractor: true);
            var result = await Cli.PipelineHost.RunOnceAsync(extractor, TimeSpan.FromSeconds(60), CancellationToken.None);
            Assert.True(result.Succeeded);
        }
        finally
        {
            await first.StopAsync();
            await second.StopAsync();
        }

        Assert.Equal(expected, Lines(await scenario.RatesAsync(), 4));
    }

    private static bool OwnsPartitions(RecordingLoggerProvider log) =>
        log.Messages.Any(m => m.Contains("partitions assigned ", StringComparison.Ordinal) && !m.EndsWith("assigned ", StringComparison.Ordinal));

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the consumer group to settle.");
            await Task.Delay(100);
        }
    }

    private static string[] WorkedExampleHistory(string ratesCsv) =>
        Lines(ratesCsv, 4).Where(line => line.StartsWith("1234567890,", StringComparison.Ordinal)).ToArray();

    private List<RejectedRowEvent> ReadDeadLetters(PipelineScenario scenario, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = KafkaFixture.UniqueGroup("dlq-reader"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(scenario.Topics.DeadLetter(Entity.Rate));
        var events = new List<RejectedRowEvent>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (events.Count < expected && DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record?.Message is not null)
            {
                events.Add(RejectedRowSerializer.Instance.Deserialize(record.Message.Value));
            }
        }

        consumer.Close();
        Assert.Equal(expected, events.Count);
        return events;
    }
}
