using Confluent.Kafka;
using OpowerStream.Domain;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.OperatorScenario;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// <c>opower-stream redrive</c> after a configuration fix: the rows rejected for a unit that was not allowed are
/// re-published from the store with their lineage, applied by the consumers once the unit is allowed, their
/// rejects resolved, and every file still reconciles; a row that fails again stays rejected once; a second
/// redrive changes nothing.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class RedriveTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Header = "service_point_id\tdate\ttime\tusage_value\tunits";

    [Fact]
    public async Task Redrive_after_allowing_a_unit_applies_the_rejected_rows_keeps_reconciliation_and_a_second_redrive_is_a_no_op()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "redrive");
        var file = IntervalFileName(60, 20260110000000);
        scenario.Drop(file, string.Join('\n',
            Header,
            "SP-1\t20260105\t0100\t1.5\tKWH",   // line 2 applies
            "SP-2\t20260105\t0100\t2.5\tWH",    // line 3 invalid_enum units until WH is allowed
            "SP-3\t20260105\t0200\t3.5\twh",    // line 4 the same
            "SP-4\t20260105\t0100\tabc\tKWH",   // line 5 invalid_decimal: fails again after the fix
            "SP-5\t20260105\t0100\t5\tKWH") + "\n");
        scenario.Settings["Utility:AllowedUnits:0"] = "KWH";
        var first = Assert.Single((await scenario.RunOnceAsync(Entity.Interval)).Files);
        Assert.Equal((5L, 2L, 3L), (first.RowsRead, first.RowsApplied, first.RowsRejected));

        // The plan, filtered by rule; nothing changes without --execute.
        var plan = await RedriveAsync(scenario, "--rule", "invalid_enum");
        Assert.Equal(0, plan.ExitCode);
        Assert.Equal(
            ["Redrive plan for intervals: 2 row(s) from 1 file(s)", $"  {file}  invalid_enum  2 row(s), lines 3,4", "Dry run: nothing published. Add --execute to re-publish these rows."],
            plan.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.All(await StoredRejectsAsync(scenario), r => Assert.Null(r.RedrivenAt));

        // The fix, then every rejected row of the file redriven.
        scenario.Settings["Utility:AllowedUnits:1"] = "WH";
        var redrive = await RedriveAsync(scenario, "--file", file, "--execute");
        Assert.Equal(0, redrive.ExitCode);
        Assert.Contains($"Re-published 3 row(s) to {scenario.Topics.Rows(Entity.Interval)}", redrive.Stdout, StringComparison.Ordinal);
        await ConsumeAsync(scenario, Entity.Interval);

        Assert.Equal(
            ["SP-1,,KWH,60,2026-01-05T01:00:00Z,1.500000", "SP-2,,WH,60,2026-01-05T01:00:00Z,2.500000",
             "SP-3,,WH,60,2026-01-05T02:00:00Z,3.500000", "SP-5,,KWH,60,2026-01-05T01:00:00Z,5.000000"],
            Lines(await scenario.IntervalsAsync(), columns: 6));
        Assert.Equal([$"intervals,{file},5,invalid_decimal"], Lines(await scenario.RejectsAsync(), columns: 4));
        Assert.Equal([$"{file},intervals,published,5,4,1"], Lines(await scenario.ExportAsync(Cli.Commands.CsvExports.FilesAsync)));
        Assert.Equal(
            [(3L, true, true), (4L, true, true), (5L, true, false)],
            (await StoredRejectsAsync(scenario)).Select(r => (r.Reject.Lineage.Line, r.RedrivenAt is not null, r.ResolvedAt is not null)));

        // Again: nothing left to redrive, nothing published, nothing changed.
        var state = await ExportAllAsync(scenario);
        var published = HighWatermarks(scenario);
        var again = await RedriveAsync(scenario, "--execute");

        Assert.Equal(0, again.ExitCode);
        Assert.Equal(["Redrive plan for intervals: 0 row(s) from 0 file(s)", "Nothing to redrive."], again.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(published, HighWatermarks(scenario));
        Assert.Equal(state, await ExportAllAsync(scenario));
    }

    private Task<OpowerStreamProcess.Result> RedriveAsync(PipelineScenario scenario, params string[] arguments) =>
        RunCliAsync(scenario, kafka, output, ["redrive", "intervals", .. arguments, "--store", scenario.StoreLocation]);

    private static Task<List<StoredReject>> StoredRejectsAsync(PipelineScenario scenario) =>
        scenario.WithStoreAsync(async store =>
        {
            var rejects = new List<StoredReject>();
            var query = new RejectQuery("intervals") { IncludeRedriven = true, IncludeResolved = true };
            await foreach (var reject in store.ReadStoredRejectsAsync(query, CancellationToken.None))
            {
                rejects.Add(reject);
            }

            return rejects;
        });

    private long[] HighWatermarks(PipelineScenario scenario)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "watermarks" }).Build();
        return [.. Enumerable.Range(0, 3).Select(p =>
            consumer.QueryWatermarkOffsets(new TopicPartition(scenario.Topics.Rows(Entity.Interval), p), TimeSpan.FromSeconds(10)).High.Value)];
    }
}
