using OpowerStream.Domain;

namespace OpowerStream.Storage.Tests;

/// <summary>The apply role (<see cref="IBatchApplyStore"/>): sequence-guarded rows, rate history, per-line counters, on both stores.</summary>
public abstract partial class PipelineStoreTests
{
    [Fact]
    public async Task The_spec_worked_example_applied_file_by_file_gives_the_intended_periods()
    {
        foreach (var row in WorkedExample())
        {
            await Store.ApplyRatesAsync(Batch([row]), CancellationToken.None);
        }

        Assert.Equal(IntendedPeriods, await ReadPeriodsAsync());
        var audit = Assert.Single(await ToListAsync(Store.ReadRateAuditAsync(CancellationToken.None)));
        Assert.Equal(("ER-DMINU", Utc(2018, 5, 1)), (audit.RateCode, audit.EffectiveUtc));
        Assert.Equal(DateTimeKind.Utc, audit.EffectiveUtc.Kind);
    }

    [Fact]
    public async Task Rate_rows_in_reverse_order_give_the_same_periods_and_audit()
    {
        foreach (var row in WorkedExample())
        {
            await Store.ApplyRatesAsync(Batch([row]), CancellationToken.None);
        }

        var forwardAudit = await ToListAsync(Store.ReadRateAuditAsync(CancellationToken.None));
        await using var reversed = await OpenSecondStoreAsync();
        foreach (var row in WorkedExample().Reverse())
        {
            await reversed.ApplyRatesAsync(Batch([row]), CancellationToken.None);
        }

        Assert.Equal(IntendedPeriods, await ToListAsync(reversed.ReadRatePeriodsAsync(CancellationToken.None)));
        Assert.Equal(forwardAudit, await ToListAsync(reversed.ReadRateAuditAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task Rate_rows_of_one_batch_are_applied_in_order_and_replaying_changes_nothing()
    {
        var batch = Batch(WorkedExample());
        await Store.ApplyRatesAsync(batch, CancellationToken.None);
        await Store.ApplyRatesAsync(batch, CancellationToken.None);

        Assert.Equal(IntendedPeriods, await ReadPeriodsAsync());
        Assert.Single(await ToListAsync(Store.ReadRateAuditAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task A_later_interval_replaces_the_stored_one_and_an_older_one_never_does()
    {
        await Store.ApplyIntervalsAsync(Batch([Interval("SP1", 1m, line: 5)]), CancellationToken.None);
        await Store.ApplyIntervalsAsync(Batch([Interval("SP1", 2m, line: 9)]), CancellationToken.None);
        await Store.ApplyIntervalsAsync(Batch([Interval("SP1", 3m, line: 7)]), CancellationToken.None);
        await Store.ApplyIntervalsAsync(
            Batch([Interval("SP1", 4m, line: 99, file: "opwr_gec_v2-0-5_interval15_20261119060000.gz", fileTimestamp: 20261119060000)]),
            CancellationToken.None);

        var read = Assert.Single(await ReadIntervalsAsync());
        Assert.Equal((2m, 9L), (read.UsageValue, read.Sequence.Line));
    }

    [Fact]
    public async Task A_newer_content_of_the_same_file_wins_on_a_lower_line_and_the_older_content_never_wins_back()
    {
        await Store.ApplyIntervalsAsync(Batch([Interval("SP1", 1m, line: 9)]), CancellationToken.None);
        await Store.ApplyIntervalsAsync(Batch([Interval("SP1", 2m, line: 2) with { Sequence = new SourceSequence(IntervalFileTimestamp, IntervalFile, 2, 2) }]), CancellationToken.None);
        await Store.ApplyIntervalsAsync(Batch([Interval("SP1", 3m, line: 50)]), CancellationToken.None);
        await Store.ApplyRatesAsync(
            Batch([Rate(1, "R-NEW", Utc(2018, 1, 1)) with { Sequence = Sequence(1) with { ContentGeneration = 2 } }]), CancellationToken.None);
        await Store.ApplyRatesAsync(
            Batch([Rate(1, "R-OLD", Utc(2018, 1, 1)) with { Sequence = Sequence(1) with { Line = 40 } }]), CancellationToken.None);

        var read = Assert.Single(await ReadIntervalsAsync());
        Assert.Equal((2m, 2L, 2), (read.UsageValue, read.Sequence.Line, read.Sequence.ContentGeneration));
        Assert.Equal("R-NEW", Assert.Single(await ReadPeriodsAsync()).Version.RateCode);
    }

    [Fact]
    public async Task An_equal_timestamp_is_ordered_by_file_name_ordinally()
    {
        // 'B' (0x42) sorts before 'a' (0x61) ordinally, unlike in a linguistic collation.
        await Store.ApplyIntervalsAsync(
            Batch([Interval("SP1", 1m, line: 9, file: "opwr_a_interval15_20261120060000.gz")]), CancellationToken.None);
        await Store.ApplyIntervalsAsync(
            Batch([Interval("SP1", 2m, line: 2, file: "opwr_B_interval15_20261120060000.gz")]), CancellationToken.None);

        Assert.Equal(1m, Assert.Single(await ReadIntervalsAsync()).UsageValue);
    }

    [Fact]
    public async Task Files_of_equal_timestamp_end_in_the_same_row_whichever_arrives_first()
    {
        // PostgreSQL numbers source files as they arrive: the id of 'opwr_a' is 1 here and 2 in the reversed store,
        // but the guard orders by name ('B' before 'a'), so both stores keep the row of 'opwr_a'.
        var fromA = Interval("SP1", 1m, line: 9, file: "opwr_a_interval15_20261120060000.gz");
        var fromB = Interval("SP1", 2m, line: 2, file: "opwr_B_interval15_20261120060000.gz");
        await Store.ApplyIntervalsAsync(Batch([fromA]), CancellationToken.None);
        await Store.ApplyIntervalsAsync(Batch([fromB]), CancellationToken.None);
        await using var reversed = await OpenSecondStoreAsync();
        await reversed.ApplyIntervalsAsync(Batch([fromB]), CancellationToken.None);
        await reversed.ApplyIntervalsAsync(Batch([fromA]), CancellationToken.None);

        Assert.Equal([fromA], await ReadIntervalsAsync());
        Assert.Equal([fromA], await ToListAsync(reversed.ReadIntervalsAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task Duplicates_within_one_batch_keep_the_highest_sequence()
    {
        await Store.ApplyIntervalsAsync(
            Batch([Interval("SP1", 1m, line: 3), Interval("SP1", 2m, line: 8), Interval("SP1", 3m, line: 6)]),
            CancellationToken.None);

        Assert.Equal(2m, Assert.Single(await ReadIntervalsAsync()).UsageValue);
    }

    [Fact]
    public async Task Reapplying_a_batch_changes_neither_rows_nor_counters()
    {
        var batch = new StoreBatch<IntervalRead>(
            [Interval("SP1", 1m, line: 2), Interval("SP2", 2m, line: 4)],
            [Reject(Entity.Interval, IntervalFile, line: 3)],
            [new(IntervalFile, 0, 2, false), new(IntervalFile, 0, 3, true), new(IntervalFile, 0, 4, false)]);
        await Store.RecordFileAsync(Ledger(IntervalFile, FileStatus.Published, rowsRead: 3), CancellationToken.None);

        await Store.ApplyIntervalsAsync(batch, CancellationToken.None);
        var first = await ReadIntervalsAsync();
        await Store.ApplyIntervalsAsync(batch, CancellationToken.None);

        Assert.Equal(first, await ReadIntervalsAsync());
        Assert.Single(await ToListAsync(Store.ReadRejectsAsync(CancellationToken.None)));
        var file = Assert.Single(await Store.GetFilesAsync(CancellationToken.None));
        Assert.Equal((3L, 2L, 1L, true), (file.RowsRead, file.RowsApplied, file.RowsRejected, file.Reconciles));
    }

    [Fact]
    public async Task Counters_count_each_line_once_per_partition_even_when_batches_overlap()
    {
        await Store.RecordFileAsync(Ledger(IntervalFile, FileStatus.Published, rowsRead: 4), CancellationToken.None);
        ProcessedRow Event(int partition, long line, bool rejected = false) => new(IntervalFile, partition, line, rejected);

        await Store.ApplyIntervalsAsync(Processed([Event(0, 2), Event(1, 3)]), CancellationToken.None);
        // Redelivery after a rebalance: partition 0 from line 2 again, partition 1 moves on.
        await Store.ApplyIntervalsAsync(
            Processed([Event(0, 2), Event(0, 4, rejected: true), Event(1, 3), Event(1, 5)]), CancellationToken.None);

        var file = Assert.Single(await Store.GetFilesAsync(CancellationToken.None));
        Assert.Equal((3L, 1L, true), (file.RowsApplied, file.RowsRejected, file.Reconciles));
    }

    [Fact]
    public async Task Service_quantities_are_keyed_with_their_empty_parts()
    {
        await Store.ApplyServiceQuantitiesAsync(
            Batch([Quantity("SEG1", "", "", 10m, line: 2), Quantity("SEG1", "KWH", "", 20m, line: 3)]),
            CancellationToken.None);
        await Store.ApplyServiceQuantitiesAsync(
            Batch([Quantity("SEG1", "", "", 11m, line: 4), Quantity("SEG1", "KWH", "", 21m, line: 1)]),
            CancellationToken.None);
        await Store.ApplyServiceQuantitiesAsync(
            Batch([Quantity("SEG1", "", "", 12m, line: 6), Quantity("SEG1", "", "", 13m, line: 5)]),
            CancellationToken.None);

        var quantities = await ToListAsync(Store.ReadServiceQuantitiesAsync(CancellationToken.None));
        Assert.Equal(
            [("", 12m), ("KWH", 20m)],
            quantities.Select(quantity => (quantity.UnitOfMeasure, quantity.BilledQuantity)).ToArray());
        Assert.All(quantities, quantity => Assert.Equal(DateTimeKind.Utc, quantity.StartUtc.Kind));
    }

    [Fact]
    public async Task A_batch_of_100k_intervals_applies_in_one_go()
    {
        const int count = 100_000;
        var rows = Enumerable.Range(0, count)
            .Select(i => Interval($"SP{i / 96:D6}", i, line: i + 2) with { IntervalEndUtc = End.AddMinutes(15 * (i % 96)) })
            .ToList();

        await Store.ApplyIntervalsAsync(Batch(rows), CancellationToken.None);

        var reads = await ReadIntervalsAsync();
        Assert.Equal(count, reads.Count);
        Assert.Equal(count - 1, reads.Max(read => read.UsageValue));
    }
}
