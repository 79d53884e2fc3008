using System.Globalization;
using System.Text.Json;
using OpowerStream.Domain;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary><c>opower-stream status</c> after a run with bad rows: the numbers it prints reconcile.</summary>
[Collection(PipelineCollection.Name)]
public sealed class StatusTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Status_after_a_run_with_bad_rows_shows_reconciling_files_and_totals_no_consumers_no_lag_and_the_last_rejects()
    {
        var (scenario, result) = await OperatorScenario.RunGeneratedAsync(kafka, postgres, output, "status");
        await using var _ = scenario;
        var rejects = Lines(await scenario.RejectsAsync());

        var run = await OperatorScenario.RunCliAsync(scenario, kafka, output, "status", "--store", scenario.StoreLocation);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Cells).ToList();
        foreach (var file in result.Files)
        {
            Assert.True(file.RowsRead == file.RowsApplied + file.RowsRejected);
            Assert.Contains(
                [file.FileName, file.Entity!, "published", $"{file.RowsRead}", $"{file.RowsApplied}", $"{file.RowsRejected}", "yes", "0", "-"],
                lines);
        }

        foreach (var entity in Enum.GetValues<Entity>().Select(e => e.Name()))
        {
            var file = Assert.Single(result.Files, f => f.Entity == entity);
            Assert.Contains([entity, "1", $"{file.RowsRead}", $"{file.RowsApplied}", $"{file.RowsRejected}", "yes", "0"], lines);
            for (var partition = 0; partition < 3; partition++)
            {
                var lag = Assert.Single(lines, l => l.Length == 6 && l[0] == entity && l[1] == $"{scenario.GroupPrefix}-{entity}" && l[2] == $"{partition}");
                Assert.Equal("0", lag[5]);
            }
        }

        // The run's consumers left cleanly: none recorded any more.
        Assert.Contains(["Consumers", "(0)"], lines);
        Assert.Contains(["Last", "rejects", $"(10", "of", $"{rejects.Length})"], lines);
        // The latest rejects come from the newest files; the generated files share one timestamp, so it is the file name, then the line.
        Assert.Single(result.Files.Select(f => f.FileName[^17..]).Distinct());
        var lastReject = rejects.Select(r => r.Split(',')).OrderBy(r => r[1], StringComparer.Ordinal).ThenBy(r => long.Parse(r[2], CultureInfo.InvariantCulture)).Last();
        Assert.Equal([lastReject[0], lastReject[1], lastReject[2], lastReject[3]], lines[^1][..4]);
    }

    [Fact]
    public async Task Status_as_json_gives_every_file_entity_lag_and_reject_and_exits_3_once_a_file_does_not_reconcile()
    {
        var (scenario, result) = await OperatorScenario.RunGeneratedAsync(kafka, postgres, output, "status-json");
        await using var _ = scenario;
        var rejectCount = Lines(await scenario.RejectsAsync()).Length;

        var reconciled = await OperatorScenario.RunCliAsync(scenario, kafka, output, "status", "--store", scenario.StoreLocation, "--output", "json");

        Assert.Equal(0, reconciled.ExitCode);
        using (var json = JsonDocument.Parse(reconciled.Stdout))
        {
            var root = json.RootElement;
            Assert.True(root.GetProperty("reconciles").GetBoolean());
            foreach (var file in result.Files)
            {
                var shown = Assert.Single(root.GetProperty("files").EnumerateArray(), f => f.GetProperty("file_name").GetString() == file.FileName);
                Assert.Equal((file.Entity, "published", file.RowsRead, file.RowsApplied, file.RowsRejected, true, 0, null),
                    (shown.GetProperty("entity").GetString(), shown.GetProperty("status").GetString(), shown.GetProperty("rows_read").GetInt64(),
                     shown.GetProperty("rows_applied").GetInt64(), shown.GetProperty("rows_rejected").GetInt64(), shown.GetProperty("reconciles").GetBoolean(),
                     shown.GetProperty("duplicates").GetInt32(), shown.GetProperty("same_content_as").GetString()));
                var entity = Assert.Single(root.GetProperty("entities").EnumerateArray(), e => e.GetProperty("entity").GetString() == file.Entity);
                Assert.Equal((1, file.RowsRead, file.RowsRejected, true),
                    (entity.GetProperty("files").GetInt32(), entity.GetProperty("rows_read").GetInt64(), entity.GetProperty("rows_rejected").GetInt64(),
                     entity.GetProperty("reconciles").GetBoolean()));
                var lag = Assert.Single(root.GetProperty("lag").EnumerateArray(), l => l.GetProperty("entity").GetString() == file.Entity);
                Assert.Equal($"{scenario.GroupPrefix}-{file.Entity}", lag.GetProperty("group").GetString());
                Assert.Equal([0L, 0L, 0L], lag.GetProperty("partitions").EnumerateArray().Select(p => p.GetProperty("lag").GetInt64()));
            }

            Assert.Empty(root.GetProperty("consumers").EnumerateArray());
            Assert.Equal(rejectCount, root.GetProperty("rejects").GetProperty("total").GetInt64());
            Assert.Equal(Cli.Commands.StatusReport.RejectsShown, root.GetProperty("rejects").GetProperty("latest").GetArrayLength());
            // The run's reads are from 2025, so on the last full day every meter the store knows is incomplete.
            var completeness = root.GetProperty("completeness");
            Assert.True(DateOnly.TryParseExact(completeness.GetProperty("day").GetString(), "yyyy-MM-dd", out var day) && day < DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1)));
            var kind = Assert.Single(completeness.GetProperty("kinds").EnumerateArray());
            Assert.Equal(0, kind.GetProperty("complete").GetInt32());
            Assert.True(kind.GetProperty("meters").GetInt32() > 0);
        }

        // A file whose extraction never finished (its process died) does not reconcile.
        const string stuck = "opwr_gec_v2-0-9_billing_account_20260101000000.tsv";
        await scenario.WithStoreAsync(async store =>
        {
            await store.RecordFileAsync(
                new FileLedgerEntry(stuck, "rates", 10, "ab", FileStatus.Processing, 0, null, null, DateTimeOffset.UtcNow, null), CancellationToken.None);
            return true;
        });

        var failing = await OperatorScenario.RunCliAsync(scenario, kafka, output, "status", "--store", scenario.StoreLocation, "--output", "json");
        var text = await OperatorScenario.RunCliAsync(scenario, kafka, output, "status", "--store", scenario.StoreLocation);

        Assert.Equal((3, 3), (failing.ExitCode, text.ExitCode));
        using var afterwards = JsonDocument.Parse(failing.Stdout);
        Assert.False(afterwards.RootElement.GetProperty("reconciles").GetBoolean());
        var stuckFile = Assert.Single(afterwards.RootElement.GetProperty("files").EnumerateArray(), f => f.GetProperty("file_name").GetString() == stuck);
        Assert.Equal(("processing", false), (stuckFile.GetProperty("status").GetString(), stuckFile.GetProperty("reconciles").GetBoolean()));
        Assert.Contains([stuck, "rates", "processing", "0", "0", "0", "NO", "0", "-"], text.Stdout.Split('\n').Select(Cells));
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
