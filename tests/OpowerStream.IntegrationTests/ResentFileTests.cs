using OpowerStream.Cli.Commands;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// The newest content wins, whatever arrives when: utilities re-send snapshots, so content alone never decides to
/// drop a file. Only a true re-send (a published file's name and content again) is skipped, as a duplicate.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ResentFileTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly string First = AccountFileName(20260201000000);
    private static readonly string Correction = AccountFileName(20260202000000);
    private static readonly string OriginalAgain = AccountFileName(20260203000000);

    public static TheoryData<StoreKind, int[]> EveryArrivalOrderOnBothStores()
    {
        int[][] orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        var data = new TheoryData<StoreKind, int[]>();
        foreach (var store in (StoreKind[])[StoreKind.Sqlite, StoreKind.Postgres])
        {
            foreach (var order in orders)
            {
                data.Add(store, order);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryArrivalOrderOnBothStores))]
    public async Task An_account_snapshot_re_sent_under_a_newer_name_after_a_correction_wins_in_every_arrival_order(StoreKind store, int[] order)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, $"resent-rates-{string.Concat(order)}");
        var original = Accounts(("SA1", "R-A", "2020-01-01"), ("SA2", "R-KEEP", "2020-01-01"));
        (string Name, string Content)[] files =
        [
            (First, original),
            (Correction, Accounts(("SA1", "R-B", "2020-01-01"))),
            (OriginalAgain, original),
        ];

        foreach (var index in order)
        {
            scenario.Drop(files[index].Name, files[index].Content);
            // Each run in new groups (the topic replayed, the earlier files' events no-ops): no wait for the old group.
            scenario.StartNewGroups();
            var run = await scenario.RunOnceAsync(Entity.Rate);
            Assert.True(run.Succeeded);
            Assert.Equal([(files[index].Name, FileOutcomeKind.Published)], run.Outcomes.Select(o => (o.FileName, o.Kind)).ToArray());
        }

        Assert.Equal(["SA1,R-A", "SA2,R-KEEP"], Lines(await scenario.RatesAsync(), 2));
        var ledger = await scenario.WithStoreAsync(s => s.GetFilesAsync(CancellationToken.None));
        var repeated = ledger.Single(f => f.SameContentAs is not null);
        Assert.Equal(Array.IndexOf(order, 0) < Array.IndexOf(order, 2) ? (OriginalAgain, First) : (First, OriginalAgain), (repeated.FileName, repeated.SameContentAs));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite, false)]
    [InlineData(StoreKind.Sqlite, true)]
    [InlineData(StoreKind.Postgres, false)]
    [InlineData(StoreKind.Postgres, true)]
    public async Task An_interval_value_re_sent_under_a_newer_name_after_its_correction_wins(StoreKind store, bool reverseArrival)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, $"resent-intervals-{reverseArrival}");
        (string Name, string Content)[] files =
        [
            (IntervalFileName(60, 20260201000000), Intervals(("SP1", "1.5", "A"), ("SP2", "7", "A"))),
            (IntervalFileName(60, 20260202000000), Intervals(("SP1", "2.5", "E"))),
            (IntervalFileName(60, 20260203000000), Intervals(("SP1", "1.5", "A"), ("SP2", "7", "A"))),
        ];

        foreach (var (name, content) in reverseArrival ? files.Reverse() : files)
        {
            scenario.Drop(name, content);
            scenario.StartNewGroups();
            Assert.True((await scenario.RunOnceAsync(Entity.Interval)).Succeeded);
        }

        Assert.Equal(
            ["SP1,,KWH,60,2026-01-01T01:00:00Z,1.500000,A", "SP2,,KWH,60,2026-01-01T01:00:00Z,7.000000,A"],
            Lines(await scenario.IntervalsAsync(), 7));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task A_true_re_send_is_skipped_as_a_duplicate_counted_apart_and_leaves_the_state_unchanged(StoreKind store)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, "true-resend");
        var content = Accounts(("SA1", "R-A", "2020-01-01"), ("SA2", "", "2020-01-01"));
        scenario.Drop(First, content);
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);
        var state = (await scenario.RatesAsync(), await scenario.RejectsAsync(), await scenario.ExportAsync(CsvExports.FilesAsync));

        scenario.Drop(First, content);
        var again = await scenario.RunOnceAsync(Entity.Rate);

        Assert.True(again.Succeeded);
        var outcome = Assert.Single(again.Outcomes);
        Assert.Equal((First, FileOutcomeKind.Duplicate, 0L), (outcome.FileName, outcome.Kind, outcome.Rows));
        Assert.False(File.Exists(Path.Combine(scenario.Inbox, First)));
        var reason = await File.ReadAllTextAsync(Path.Combine(scenario.Inbox, "duplicate", First + ".reason.txt"));
        Assert.StartsWith("duplicate\nthe same name and content (SHA-256 ", reason, StringComparison.Ordinal);
        Assert.Equal(state, (await scenario.RatesAsync(), await scenario.RejectsAsync(), await scenario.ExportAsync(CsvExports.FilesAsync)));

        using var summary = new StringWriter();
        RunSummary.Print(summary, again.Outcomes, again.Files);
        Assert.Equal(
            [$"{First}: duplicate: {outcome.Reason}", "Files: 1 (0 published, 0 refused, 1 duplicate, 0 failed)", "Rows: 0 read, 0 applied, 0 rejected"],
            summary.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        var file = Assert.Single(await scenario.WithStoreAsync(s => s.GetFilesAsync(CancellationToken.None)));
        Assert.Equal((1, null), (file.Resends, file.SameContentAs));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task New_content_under_the_same_name_wins_on_every_key_even_with_its_lines_reordered_and_after_a_replay_into_a_fresh_store(StoreKind store)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, "same-name");
        var name = AccountFileName(20260301000000);
        scenario.Drop(name, Accounts(("SA1", "R-1", "2020-01-01"), ("SA2", "R-OLD", "2020-01-01"), ("SA3", "R-3", "2020-01-01")));
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);

        scenario.Drop(name, Accounts(("SA2", "R-NEW", "2020-01-01"), ("SA3", "R-3B", "2020-01-01"), ("SA1", "R-1", "2020-01-01")));
        var second = await scenario.RunOnceAsync(Entity.Rate);

        Assert.True(second.Succeeded);
        Assert.Equal([(name, FileOutcomeKind.Published, 3L)], second.Outcomes.Select(o => (o.FileName, o.Kind, o.Rows)).ToArray());
        string[] newest = ["SA1,R-1", "SA2,R-NEW", "SA3,R-3B"];
        Assert.Equal(newest, Lines(await scenario.RatesAsync(), 2));
        Assert.Equal([$"{name},rates,published,3,3,0"], Lines(await scenario.ExportAsync(CsvExports.FilesAsync)));

        await using var rebuilt = await scenario.WithFreshStoreAsync(postgres, store, "same-name-rebuilt");
        await rebuilt.ReplayAllAsync();

        Assert.Equal(newest, Lines(await rebuilt.RatesAsync(), 2));
    }

    private static string Intervals(params (string ServicePoint, string Value, string Estimate)[] rows) =>
        "service_point_id\tusage_value\tdate\ttime\tunits\tis_estimate\n"
        + string.Concat(rows.Select(row => $"{row.ServicePoint}\t{row.Value}\t20260101\t0100\tKWH\t{row.Estimate}\n"));
}
