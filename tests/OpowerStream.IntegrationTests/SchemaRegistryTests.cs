using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Kafka;
using OpowerStream.Kafka.SchemaRegistry;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// Schema Registry framing end to end: the extractor with <c>Kafka:SchemaRegistry:Url</c>, the broker, the consumers
/// and the store give what the single-object path gives; a topic holding both framings is applied; a framed event
/// nobody can place is dead-lettered with its reason; <c>peek</c> decodes framed events. The registry is the
/// stand-in (<see cref="SchemaRegistryStandIn"/>: the registry's REST API over real HTTP), not Confluent's server.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class SchemaRegistryTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const string RegistryUrl = "Kafka:SchemaRegistry:Url";
    private const string TimeZone = "America/New_York";

    private SchemaRegistryStandIn registry = null!;

    public async Task InitializeAsync() => registry = await SchemaRegistryStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        output.WriteLine($"Registry requests: {string.Join(", ", registry.Requests.Distinct())}");
        Assert.Empty(registry.Unanswered);
        await registry.DisposeAsync();
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Registry_framed_events_are_applied_end_to_end_into_the_store_the_single_object_path_gives(StoreKind store)
    {
        var files = InputFiles();
        await using var plain = await Scenario(store, $"sr-plain-{store}", framed: false);
        await using var framed = await Scenario(store, $"sr-framed-{store}", framed: true);

        var expected = await RunAsync(plain, files);
        var actual = await RunAsync(framed, files);

        Assert.Equal(expected, actual);
        Assert.Contains(expected[3].Split('\n'), line => line.Contains("negative_usage", StringComparison.Ordinal));
        Assert.Contains(expected[3].Split('\n'), line => line.Contains("invalid_datetime", StringComparison.Ordinal));
        // Every topic the product writes (rows, files, dead letters) under its TopicNameStrategy subject.
        Assert.Equal(framed.Topics.All.Select(EventFraming.Subject).Order(StringComparer.Ordinal), registry.Subjects);
        foreach (var topic in framed.Topics.All)
        {
            var id = Assert.Single(registry.Versions(EventFraming.Subject(topic))).Id;
            var records = ReadAll(topic);
            Assert.All(records, r => Assert.Equal(id, SchemaIdOf(r.Message.Value)));
            Assert.True(records.Count > 0 || topic == framed.Topics.DeadLetter(Entity.ServiceQuantity), $"{topic} holds no events");
        }

        Assert.All(ReadAll(plain.Topics.Rows(Entity.Rate)), r => Assert.Equal(0xC3, r.Message.Value[0]));
    }

    [Fact]
    public async Task A_topic_holding_both_framings_is_applied_like_one_holding_single_object_events()
    {
        var (earlier, later) = InputParts();
        await using var plain = await Scenario(StoreKind.Sqlite, "sr-mixed-plain", framed: false);
        var expected = await RunAsync(plain, [.. earlier, .. later]);

        await using var mixed = await Scenario(StoreKind.Sqlite, "sr-mixed", framed: false);
        await RunAsync(mixed, earlier);
        mixed.Settings[RegistryUrl] = registry.Url;
        await RunAsync(mixed, later);
        // One consumer pass over the mixed topics: a fresh store rebuilt by replaying them from the beginning.
        await using var rebuilt = await mixed.WithFreshStoreAsync(postgres, StoreKind.Sqlite, "sr-mixed-rebuilt");
        rebuilt.Settings[RegistryUrl] = registry.Url;
        rebuilt.Settings["Utility:TimeZone"] = TimeZone;
        await rebuilt.ReplayAllAsync();

        foreach (var entity in Enum.GetValues<Entity>())
        {
            var firstBytes = ReadAll(mixed.Topics.Rows(entity)).Select(r => r.Message.Value[0]).Distinct().Order();
            Assert.Equal<byte>([0x00, 0xC3], firstBytes);
        }

        Assert.Equal(expected[..4], (await OperatorScenario.ExportAllAsync(rebuilt))[..4]);
    }

    [Fact]
    public async Task A_framed_event_with_an_unknown_schema_id_or_without_a_registry_is_dead_lettered_with_its_reason()
    {
        await using var withRegistry = await Scenario(StoreKind.Sqlite, "sr-unknown-id", framed: true);
        await using var withoutRegistry = await Scenario(StoreKind.Sqlite, "sr-no-registry", framed: false);
        var topic = withRegistry.Topics.Rows(Entity.Rate);
        using var framing = new EventFraming(new KafkaOptions { SchemaRegistry = { Url = registry.Url } });
        var serializer = RawRowSerializer.For(Entity.Rate);
        var good = serializer.Serialize(Rate("SA-1"), framing.For(topic, serializer));
        var unknownId = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32BigEndian(unknownId.AsSpan(1), 999_999);

        await ProduceAsync(topic, ("SA-0", unknownId), ("SA-1", good));
        await ProduceAsync(withoutRegistry.Topics.Rows(Entity.Rate), ("SA-1", good));
        await OperatorScenario.ConsumeAsync(withRegistry, Entity.Rate);
        await OperatorScenario.ConsumeAsync(withoutRegistry, Entity.Rate);

        Assert.Single(Lines(await withRegistry.RatesAsync()), line => line.StartsWith("SA-1,R1,", StringComparison.Ordinal));
        Assert.Empty(Lines(await withoutRegistry.RatesAsync()));
        var cases = new[]
        {
            (Scenario: withRegistry, Poison: unknownId, Reason: "Unknown schema id 999999: the schema registry has no schema with this id."),
            (Scenario: withoutRegistry, Poison: good, Reason: "no schema registry is configured (Kafka:SchemaRegistry:Url)"),
        };
        foreach (var (scenario, poison, reason) in cases)
        {
            var reject = Assert.Single(Lines(await scenario.RejectsAsync()));
            Assert.Contains(",undecodable_event,", reject, StringComparison.Ordinal);
            Assert.Contains(reason, reject, StringComparison.Ordinal);
            var deadLetter = Assert.Single(ReadAll(scenario.Topics.DeadLetter(Entity.Rate)));
            Assert.Equal("undecodable_event", Header(deadLetter, "opowerstream.errors.rule"));
            Assert.Contains(reason, Header(deadLetter, "opowerstream.errors.message"), StringComparison.Ordinal);
            Assert.Equal(poison, RejectedRowSerializer.Instance.Deserialize(deadLetter.Message.Value, framing.Registry).OriginalEvent);
        }

        // The dead letter is itself framed when the consumer has a registry, single-object when it has none.
        Assert.Equal(0x00, ReadAll(withRegistry.Topics.DeadLetter(Entity.Rate))[0].Message.Value[0]);
        Assert.Equal(0xC3, ReadAll(withoutRegistry.Topics.DeadLetter(Entity.Rate))[0].Message.Value[0]);
    }

    [Fact]
    public async Task A_registry_that_does_not_answer_stops_the_consumer_without_dead_lettering_or_committing()
    {
        await using var scenario = await Scenario(StoreKind.Sqlite, "sr-outage", framed: false);
        var topic = scenario.Topics.Rows(Entity.Rate);
        var serializer = RawRowSerializer.For(Entity.Rate);
        // Registered elsewhere: an id the consumer has not cached and can only ask its (unanswering) registry about.
        var good = serializer.Serialize(Rate("SA-1"), EventFrame.Registry(registry.Register(EventFraming.Subject(topic), serializer.SchemaJson)));
        var outage = await SchemaRegistryStandIn.StartAsync();
        scenario.Settings[RegistryUrl] = outage.Url;
        scenario.Settings["Kafka:SchemaRegistry:Properties:schema.registry.max.retries"] = "1";

        using var host = scenario.BuildHost([Entity.Rate], extractor: false);
        await host.StartAsync();
        await WaitUntilAsync(() => outage.Subjects.Contains(EventFraming.Subject(scenario.Topics.DeadLetter(Entity.Rate))));
        await outage.DisposeAsync();
        await ProduceAsync(topic, ("SA-1", good));
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        await WaitUntilAsync(() => stopping.IsCancellationRequested);
        await host.StopAsync();

        Assert.Empty(Lines(await scenario.RatesAsync()));
        Assert.Empty(Lines(await scenario.RejectsAsync()));
        Assert.Empty(ReadAll(scenario.Topics.DeadLetter(Entity.Rate)));
        var committed = ConsumerLag.Get(kafka.BootstrapServers, $"{scenario.GroupPrefix}-rates", [topic], null, TimeSpan.FromSeconds(10));
        Assert.All(committed, p => Assert.True(p.CommittedOffset <= 0, $"{p}"));
    }

    [Fact]
    public async Task A_consume_process_sends_the_registry_credentials_and_never_prints_them()
    {
        const string Secret = "r3gistry-Pa55-never-logged";
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"opower:{Secret}"));
        await using var scenario = await Scenario(StoreKind.Sqlite, "sr-secret", framed: false);
        var topic = scenario.Topics.Rows(Entity.Rate);
        var serializer = RawRowSerializer.For(Entity.Rate);
        await ProduceAsync(topic, ("SA-1", serializer.Serialize(Rate("SA-1"), EventFrame.Registry(registry.Register(EventFraming.Subject(topic), serializer.SchemaJson)))));

        using var consumer = OpowerStreamProcess.Start(output, Path.GetTempPath(),
            ["consume", "rates", "--bootstrap-servers", kafka.BootstrapServers, "--store", scenario.StoreLocation],
            ("Kafka__TopicPrefix", scenario.Topics.Prefix),
            ("Kafka__Consumer__session.timeout.ms", PipelineScenario.SessionTimeoutMs),
            ("Consumers__GroupPrefix", scenario.GroupPrefix),
            ("Kafka__SchemaRegistry__Url", registry.Url),
            ("Kafka__SchemaRegistry__Properties__schema.registry.basic.auth.user.info", $"opower:{Secret}"),
            ("Logging__LogLevel__Default", "Debug"));
        await WaitUntilAsync(() => consumer.HasExited || registry.Requests.Any(r => r.StartsWith("GET /schemas/ids/", StringComparison.Ordinal)));
        await WaitUntilAsync(() => consumer.HasExited || Lines(scenario.RatesAsync().GetAwaiter().GetResult()).Length == 1);
        consumer.Terminate();
        var result = await consumer.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, result.ExitCode);
        Assert.Single(Lines(await scenario.RatesAsync()));
        Assert.Contains($"registered under the subject {EventFraming.Subject(scenario.Topics.DeadLetter(Entity.Rate))}", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, registry.Authorizations.Count);
        Assert.All(registry.Authorizations, a => Assert.Equal($"Basic {basic}", a));
        Assert.DoesNotContain(Secret, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(basic, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redrive_re_publishes_a_framed_reject_as_it_was_framed_and_the_consumers_apply_it()
    {
        await using var scenario = await Scenario(StoreKind.Sqlite, "sr-redrive", framed: true);
        var file = IntervalFileName(60, 20260110000000);
        scenario.Drop(file, "service_point_id\tdate\ttime\tusage_value\tunits\nSP-1\t20260105\t0100\t1.5\tKWH\nSP-2\t20260105\t0100\t2.5\tWH\n");
        scenario.Settings["Utility:AllowedUnits:0"] = "KWH";
        Assert.True((await scenario.RunOnceAsync(Entity.Interval)).Succeeded);
        var properties = Path.Combine(scenario.Inbox, "..", "client.properties");
        await File.WriteAllTextAsync(properties, $"schema.registry.url={registry.Url}\n");

        scenario.Settings["Utility:AllowedUnits:1"] = "WH";
        var withoutRegistry = await OperatorScenario.RunCliAsync(scenario, kafka, output, "redrive", "intervals", "--execute", "--store", scenario.StoreLocation);
        var redrive = await OperatorScenario.RunCliAsync(scenario, kafka, output,
            "redrive", "intervals", "--execute", "--store", scenario.StoreLocation, "--command-config", properties);
        await OperatorScenario.ConsumeAsync(scenario, Entity.Interval);

        Assert.Equal(1, withoutRegistry.ExitCode);
        Assert.Contains("redrive: A Schema Registry framed event", withoutRegistry.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, redrive.ExitCode);
        Assert.Equal(["SP-1", "SP-2"], Lines(await scenario.IntervalsAsync(), columns: 1));
        var id = Assert.Single(registry.Versions(EventFraming.Subject(scenario.Topics.Rows(Entity.Interval)))).Id;
        var records = ReadAll(scenario.Topics.Rows(Entity.Interval));
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(id, SchemaIdOf(r.Message.Value)));
    }

    [Fact]
    public async Task Peek_decodes_framed_events_through_the_registry_of_its_command_config()
    {
        await using var scenario = await Scenario(StoreKind.Sqlite, "sr-peek", framed: true);
        var file = AccountFileName(20260101000000);
        scenario.Drop(file, Accounts(("1", "PK-A", "2026-01-01 00:00:00"), ("2", "PK-B", "not a date")));
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);
        var properties = Path.Combine(scenario.Inbox, "..", "client.properties");
        await File.WriteAllTextAsync(properties, $"schema.registry.url={registry.Url}\nschema.registry.basic.auth.user.info=peek:s3cret\n");

        var rows = await PeekAsync(scenario, "rates", "--command-config", properties);
        var deadLetters = await PeekAsync(scenario, "rates.dlq", "--command-config", properties);
        var files = await PeekAsync(scenario, "files", "--command-config", properties);
        var withoutRegistry = await PeekAsync(scenario, "rates");

        Assert.Equal(["1", "2"], rows.Select(r => r.GetProperty("value").GetProperty("service_agreement_id").GetString()).Order());
        Assert.All(rows, r =>
        {
            Assert.Equal("opowerstream.events.RateRowEvent", r.GetProperty("schema").GetString());
            Assert.Equal(Assert.Single(registry.Versions(EventFraming.Subject(scenario.Topics.Rows(Entity.Rate)))).Id, r.GetProperty("schema_id").GetInt32());
        });
        var deadLetter = Assert.Single(deadLetters);
        Assert.Equal("invalid_datetime", deadLetter.GetProperty("value").GetProperty("rule").GetString());
        Assert.Equal(Assert.Single(registry.Versions(EventFraming.Subject(scenario.Topics.DeadLetter(Entity.Rate)))).Id, deadLetter.GetProperty("schema_id").GetInt32());
        Assert.Contains(files, f => f.GetProperty("value").GetProperty("kind").GetString() == "file_completed");
        Assert.Contains($"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes("peek:s3cret"))}", registry.Authorizations);
        Assert.All(withoutRegistry, r =>
        {
            Assert.Contains("no schema registry is configured", r.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.False(r.TryGetProperty("value", out _));
        });
    }

    private async Task<PipelineScenario> Scenario(StoreKind store, string name, bool framed)
    {
        var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, name);
        scenario.Settings["Utility:TimeZone"] = TimeZone;
        if (framed)
        {
            scenario.Settings[RegistryUrl] = registry.Url;
        }

        return scenario;
    }

    /// <summary>
    /// Every entity, with rejects on two of them, in two parts each holding files of every entity: the worked example,
    /// a bad account row, and the mixed samples (one a negative usage), each sample's rows split over two files.
    /// </summary>
    private static (List<(string Name, string Content)> Earlier, List<(string Name, string Content)> Later) InputParts()
    {
        var worked = WorkedExampleFiles().Select(path => (Name: Path.GetFileName(path), Content: File.ReadAllText(path))).ToList();
        var samples = Directory.GetFiles(RepositoryRoot.Combine("samples", "mixed"), "*.tsv").Order(StringComparer.Ordinal)
            .Select(path => (Name: Path.GetFileName(path), Lines: File.ReadAllLines(path)))
            .ToList();
        List<(string, string)> Halves(int half) =>
        [
            .. samples.Select(sample => (
                half == 0 ? sample.Name : sample.Name.Replace("20251016060000", "20251016070000", StringComparison.Ordinal),
                string.Join('\n', sample.Lines.Take(1).Concat(sample.Lines.Skip(1).Where((_, i) => i % 2 == half))) + "\n")),
        ];

        return (
            [.. worked[..2], .. Halves(0)],
            [.. worked[2..], .. Halves(1), (AccountFileName(20260102000000), Accounts(("SA-9", "R9", "2026-01-01 00:00:00"), ("SA-10", "R10", "not a date")))]);
    }

    private static List<(string Name, string Content)> InputFiles() => [.. InputParts().Earlier, .. InputParts().Later];

    private static async Task<string[]> RunAsync(PipelineScenario scenario, IEnumerable<(string Name, string Content)> files)
    {
        foreach (var (name, content) in files)
        {
            scenario.Drop(name, content);
        }

        Assert.True((await scenario.RunOnceAsync()).Succeeded);
        return await OperatorScenario.ExportAllAsync(scenario);
    }

    private static RawRow Rate(string agreement) =>
        new(new Lineage(AccountFileName(20260103000000), 20260103000000, 2),
            [.. EntityLayout.For(Entity.Rate).Columns.Select(c => c.Name switch
            {
                "service_agreement_id" => agreement,
                "sa_rate_code" => "R1",
                "effective_datetime" => "2026-01-01 00:00:00",
                _ => null,
            })]);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting.");
            await Task.Delay(100);
        }
    }

    private static int SchemaIdOf(byte[] value)
    {
        Assert.Equal(0, value[0]);
        return BinaryPrimitives.ReadInt32BigEndian(value.AsSpan(1));
    }

    private static string Header(ConsumeResult<byte[], byte[]> record, string name) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    /// <summary>Every record of a topic's three partitions, read up to their ends.</summary>
    private List<ConsumeResult<byte[], byte[]>> ReadAll(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "schema-registry-tests",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var ended = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (ended.Count < 3 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { } record)
            {
                continue;
            }

            if (record.IsPartitionEOF)
            {
                ended.Add(record.Partition.Value);
            }
            else
            {
                records.Add(record);
            }
        }

        Assert.Equal(3, ended.Count);
        return records;
    }

    private async Task ProduceAsync(string topic, params (string Key, byte[] Value)[] records)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        foreach (var (key, value) in records)
        {
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, byte[]> { Key = key, Value = value });
        }
    }

    private async Task<List<JsonElement>> PeekAsync(PipelineScenario scenario, params string[] arguments)
    {
        var run = await OperatorScenario.RunCliAsync(scenario, kafka, output, ["peek", .. arguments]);
        Assert.Equal(0, run.ExitCode);
        return [.. run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];
    }
}
