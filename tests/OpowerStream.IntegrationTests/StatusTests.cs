using System.Globalization;
using OpowerStream.Domain;
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

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
