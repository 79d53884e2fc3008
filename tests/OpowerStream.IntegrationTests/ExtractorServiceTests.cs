using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// The extractor as a service: when a file is taken (complete, in timestamp order, woken by
/// notifications), duplicate content, and what it tells the files topic and the row headers.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ExtractorServiceTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_file_written_slowly_in_chunks_is_taken_only_once_complete()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "slowfile");
        scenario.Settings["Extractor:StableFor"] = "00:00:02";
        scenario.Settings["Extractor:PollInterval"] = "00:00:00.100";
        var rows = Enumerable.Range(1, 400).Select(i => ($"SA-{i:D4}", $"R{i}", "2024-01-01")).ToArray();
        var content = Encoding.UTF8.GetBytes(Accounts(rows));
        var path = Path.Combine(scenario.Inbox, AccountFileName(20240101000000));
        // Chunks cut mid-line, with gaps longer than the poll interval but shorter than StableFor.
        var chunks = content.Chunk(content.Length / 4 + 1).ToList();
        await using (var first = File.Create(path))
        {
            await first.WriteAsync(chunks[0]);
        }

        var run = Task.Run(() => scenario.RunOnceAsync(Entity.Rate));
        foreach (var chunk in chunks.Skip(1))
        {
            await Task.Delay(500);
            Assert.True(File.Exists(path), "the file was taken before it was complete");
            await using var append = new FileStream(path, FileMode.Append, FileAccess.Write);
            await append.WriteAsync(chunk);
        }

        var result = await run;

        Assert.True(result.Succeeded);
        var file = Assert.Single(result.Files);
        Assert.Equal((FileStatus.Published, 400L, 400L, 0L), (file.Status, file.RowsRead, file.RowsApplied, file.RowsRejected));
        Assert.Equal(400, Lines(await scenario.RatesAsync()).Length);
        Assert.Empty(Lines(await scenario.RejectsAsync()));
    }

    [Fact]
    public async Task Files_dropped_out_of_order_are_applied_in_timestamp_order()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "outoforder");
        scenario.Settings["Extractor:StableFor"] = "00:00:00.500";
        scenario.Settings["Extractor:PollInterval"] = "00:00:00.100";
        long[] dropped = [20240103000000, 20240101000000, 20240102000000];
        var now = DateTime.UtcNow;
        foreach (var timestamp in dropped)
        {
            scenario.Drop(AccountFileName(timestamp), Accounts(("SA-1", $"R{timestamp}", "2024-01-01")));
            File.SetLastWriteTimeUtc(Path.Combine(scenario.Inbox, AccountFileName(timestamp)), now);
        }

        var result = await scenario.RunOnceAsync(Entity.Rate);

        Assert.True(result.Succeeded);
        Assert.Equal(
            dropped.Order().Select(AccountFileName).ToArray(),
            result.Outcomes.Select(outcome => outcome.FileName).ToArray());
        Assert.Equal(["SA-1,R20240103000000"], Lines(await scenario.RatesAsync(), 2));
    }

    [Fact]
    public async Task In_done_marker_mode_only_files_with_their_marker_are_taken_and_the_marker_moves_with_the_file()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "donemarker");
        scenario.Settings["Kafka:Consumer:session.timeout.ms"] = "6000"; // the second run's consumer joins after the first left
        scenario.Settings["Extractor:Completeness"] = "DoneMarker";
        var marked = AccountFileName(20240101000000);
        var waiting = AccountFileName(20240102000000);
        scenario.Drop(marked, Accounts(("SA-M", "M", "2024-01-01")));
        scenario.Drop(marked + ".done", "");
        scenario.Drop(waiting, Accounts(("SA-W", "W", "2024-01-02")));

        var first = await scenario.RunOnceAsync(Entity.Rate);

        Assert.Equal([marked], first.Outcomes.Select(outcome => outcome.FileName).ToArray());
        Assert.True(File.Exists(Path.Combine(scenario.Inbox, "processed", marked + ".done")));
        Assert.Equal([waiting], Directory.GetFiles(scenario.Inbox).Select(path => Path.GetFileName(path)!).ToArray());

        scenario.Drop(waiting + ".done", "");
        var second = await scenario.RunOnceAsync(Entity.Rate);

        Assert.True(second.Succeeded);
        Assert.Equal([waiting], second.Outcomes.Select(outcome => outcome.FileName).ToArray());
        Assert.Equal(["SA-M,M", "SA-W,W"], Lines(await scenario.RatesAsync(), 2));
        Assert.Empty(Directory.GetFiles(scenario.Inbox));
    }

    [Fact]
    public async Task A_file_system_notification_wakes_the_watching_extractor_long_before_the_next_scan()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "notified");
        scenario.Settings["Extractor:Once"] = "false";
        scenario.Settings["Extractor:PollInterval"] = "00:10:00";
        using var host = scenario.BuildHost([], extractor: true);
        await host.StartAsync();
        try
        {
            await Task.Delay(500); // the first scan found an empty inbox; the next is 10 minutes away
            var name = AccountFileName(20240101000000);
            scenario.Drop(name + ".tmp", Accounts(("SA-N", "N", "2024-01-01")));
            File.Move(Path.Combine(scenario.Inbox, name + ".tmp"), Path.Combine(scenario.Inbox, name));

            var run = host.Services.GetRequiredService<ExtractionRun>();
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (run.Outcomes.Count == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            var outcome = Assert.Single(run.Outcomes);
            Assert.Equal((name, FileOutcomeKind.Published, 1L), (outcome.FileName, outcome.Kind, outcome.Rows));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_true_re_send_is_skipped_its_content_under_another_name_is_published_and_reprocess_publishes_the_re_send_without_changing_state()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "duplicate");
        var name = AccountFileName(20240101000000);
        var content = Accounts(("SA-1", "A", "2024-01-01"), ("SA-2", "B", "2024-01-01"), ("SA-3", "", "2024-01-01"));
        scenario.Drop(name, content);
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);
        var state = (await scenario.RatesAsync(), await scenario.RejectsAsync(), await FilesAsync(scenario));
        var copy = AccountFileName(20240105000000);

        scenario.Drop(name, content);
        scenario.Drop(copy, content);
        var again = await scenario.RunOnceAsync(Entity.Rate);

        Assert.True(again.Succeeded);
        Assert.Equal(
            [(name, FileOutcomeKind.Duplicate), (copy, FileOutcomeKind.Published)],
            again.Outcomes.Select(o => (o.FileName, o.Kind)).ToArray());
        var reason = await File.ReadAllTextAsync(Path.Combine(scenario.Inbox, "duplicate", name + ".reason.txt"));
        Assert.StartsWith("duplicate\nthe same name and content (SHA-256 ", reason, StringComparison.Ordinal);
        Assert.Equal(state.Item1, await scenario.RatesAsync());
        // The copy is a file of its own: applied (its rows are the newest word on their keys) and reconciled.
        Assert.Equal(state.Item3.Append($"{copy},rates,published,3,2,1").ToArray(), await FilesAsync(scenario));

        scenario.Drop(name, content);
        scenario.Settings["Extractor:Reprocess"] = "true";
        var reprocessed = await scenario.RunOnceAsync(Entity.Rate);

        Assert.True(reprocessed.Succeeded);
        Assert.Equal([(name, FileOutcomeKind.Published, 3L)], reprocessed.Outcomes.Select(o => (o.FileName, o.Kind, o.Rows)).ToArray());
        Assert.Equal(state.Item1, await scenario.RatesAsync());
        Assert.Equal(state.Item3.Append($"{copy},rates,published,3,2,1").ToArray(), await FilesAsync(scenario));
    }

    [Fact]
    public async Task New_content_under_a_known_name_is_processed_and_reconciled_on_its_own()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "newcontent");
        scenario.Settings["Kafka:Consumer:session.timeout.ms"] = "6000"; // the second run's consumer joins after the first left
        var name = AccountFileName(20240101000000);
        scenario.Drop(name, Accounts(("SA-1", "A", "2024-01-01"), ("SA-2", "", "2024-01-01"), ("SA-3", "C", "2024-01-01")));
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);

        scenario.Drop(name, Accounts(("SA-1", "A2", "2024-01-01"), ("SA-2", "B2", "2024-01-01")));
        var result = await scenario.RunOnceAsync(Entity.Rate);

        Assert.True(result.Succeeded);
        var file = Assert.Single(result.Files);
        Assert.Equal((FileStatus.Published, 2L, 2L, 0L), (file.Status, file.RowsRead, file.RowsApplied, file.RowsRejected));
        Assert.Equal(["SA-1,A2", "SA-2,B2", "SA-3,C"], Lines(await scenario.RatesAsync(), 2));
        Assert.Empty(Lines(await scenario.RejectsAsync()));
    }

    [Fact]
    public async Task The_files_topic_tells_started_completed_and_refused_and_every_row_event_carries_its_lineage_headers()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "filestopic");
        var good = AccountFileName(20240101000000);
        scenario.Drop(good, Accounts(("SA-1", "A", "2024-01-01"), ("SA-2", "B", "2024-01-01")));
        scenario.Drop(AccountFileName(20240102000000), "service_agreement_id\teffective_datetime\nSA-X\t2024-01-02\n");

        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);

        var events = TopicReader.Read(kafka.BootstrapServers, scenario.Topics.Files, 3, 4, TimeSpan.FromSeconds(20))
            .Select(record => (Key: Encoding.UTF8.GetString(record.Message.Key), Event: FileEventSerializer.Instance.Deserialize(record.Message.Value)))
            .ToList();
        var bad = AccountFileName(20240102000000);
        Assert.Equal(
            [(good, FileEventKind.FileStarted), (good, FileEventKind.FileCompleted), (bad, FileEventKind.FileStarted), (bad, FileEventKind.FileRefused)],
            events.Select(e => (e.Event.FileName, e.Event.Kind)).Order().ToArray());
        Assert.All(events, e => Assert.Equal(e.Key, e.Event.FileName));
        var started = Assert.Single(events, e => e.Event.Kind == FileEventKind.FileStarted && e.Key == good).Event;
        var completed = Assert.Single(events, e => e.Event.Kind == FileEventKind.FileCompleted).Event;
        var refused = Assert.Single(events, e => e.Event.Kind == FileEventKind.FileRefused).Event;
        var goodPath = Path.Combine(scenario.Inbox, "processed", good);
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(goodPath)));
        Assert.Equal((good, "rates", 20240101000000L), (started.FileName, started.Entity, started.FileTimestamp));
        Assert.Equal(
            (good, 2L, 2L, sha256, new FileInfo(goodPath).Length),
            (completed.FileName, completed.RowsRead, completed.RowsPublished, completed.Sha256, completed.SizeBytes));
        Assert.True(completed.OccurredAt >= started.OccurredAt);
        Assert.Equal(RuleCodes.MissingColumn, refused.Reason);
        Assert.Contains("sa_rate_code", refused.Detail, StringComparison.Ordinal);

        var rows = TopicReader.Read(kafka.BootstrapServers, scenario.Topics.Rows(Entity.Rate), 3, 2, TimeSpan.FromSeconds(20));
        Assert.Equal(
            [(good, "20240101000000", "2", "1"), (good, "20240101000000", "3", "1")],
            rows.Select(r => (Header(r, FileExtractor.FileHeader), Header(r, FileExtractor.FileTimestampHeader), Header(r, FileExtractor.LineHeader),
                    Header(r, FileExtractor.ContentGenerationHeader)))
                .OrderBy(h => h.Item3, StringComparer.Ordinal).ToArray());
        Assert.All(rows, r =>
        {
            var lineage = RawRowSerializer.For(Entity.Rate).Deserialize(r.Message.Value).Lineage;
            Assert.Equal(Header(r, FileExtractor.LineHeader), lineage.Line.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(Header(r, FileExtractor.ContentGenerationHeader), lineage.ContentGeneration.ToString(CultureInfo.InvariantCulture));
        });
    }

    [Fact]
    public async Task Without_lineage_headers_row_events_carry_their_lineage_in_the_event_only()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "noheaders");
        scenario.Settings["Extractor:LineageHeaders"] = "false";
        var name = AccountFileName(20240101000000);
        scenario.Drop(name, Accounts(("SA-1", "A", "2024-01-01"), ("SA-2", "B", "2024-01-01")));

        var result = await scenario.RunOnceAsync(Entity.Rate);

        Assert.True(result.Succeeded);
        Assert.Equal(["SA-1,A", "SA-2,B"], Lines(await scenario.RatesAsync(), 2));
        var rows = TopicReader.Read(kafka.BootstrapServers, scenario.Topics.Rows(Entity.Rate), 3, 2, TimeSpan.FromSeconds(20));
        Assert.All(rows, r => Assert.True(r.Message.Headers is null || r.Message.Headers.Count == 0));
        Assert.Equal(
            [(name, 20240101000000L, 2L), (name, 20240101000000L, 3L)],
            rows.Select(r => RawRowSerializer.For(Entity.Rate).Deserialize(r.Message.Value).Lineage)
                .Select(l => (l.SourceFile, l.FileTimestamp, l.Line)).Order().ToArray());
    }

    private static string Header(Confluent.Kafka.ConsumeResult<byte[], byte[]> record, string key) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(key));

    private static async Task<string[]> FilesAsync(PipelineScenario scenario) =>
        Lines(await scenario.ExportAsync(Cli.Commands.CsvExports.FilesAsync));
}
