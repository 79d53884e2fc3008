using OpowerStream.Domain;
using OpowerStream.Domain.Rates;

namespace OpowerStream.Storage.Tests;

/// <summary>The store contract; every test runs against SQLite and PostgreSQL through the subclasses.</summary>
public abstract class PipelineStoreTests : IAsyncLifetime
{
    private const string IntervalFile = "opwr_gec_v2-0-5_interval15_20261120060000.gz";
    private const long IntervalFileTimestamp = 20261120060000;
    private static readonly DateTime End = new(2026, 11, 19, 0, 15, 0, DateTimeKind.Utc);

    protected IPipelineStore Store { get; private set; } = null!;

    protected StoreLocation Location { get; private set; } = null!;

    protected abstract Task<StoreLocation> CreateLocationAsync();

    public async Task InitializeAsync()
    {
        Location = await CreateLocationAsync();
        Store = await PipelineStores.OpenAsync(Location, CancellationToken.None);
    }

    public virtual async Task DisposeAsync() => await Store.DisposeAsync();

    [Fact]
    public async Task Opening_an_existing_store_again_keeps_its_schema_and_data()
    {
        await Store.ApplyIntervalsAsync(Batch([Interval("SP1", 1.5m, line: 2)]), CancellationToken.None);

        await using var reopened = await PipelineStores.OpenAsync(Location, CancellationToken.None);

        var reads = await ToListAsync(reopened.ReadIntervalsAsync(CancellationToken.None));
        Assert.Equal(1.5m, Assert.Single(reads).UsageValue);
    }

    [Fact]
    public async Task Opening_a_new_store_from_two_places_at_once_migrates_it_once()
    {
        var location = await CreateLocationAsync();

        var stores = await Task.WhenAll(
            Task.Run(() => PipelineStores.OpenAsync(location, CancellationToken.None)),
            Task.Run(() => PipelineStores.OpenAsync(location, CancellationToken.None)));

        await stores[0].ApplyIntervalsAsync(Batch([Interval("SP1", 1m, line: 2)]), CancellationToken.None);
        Assert.Single(await ToListAsync(stores[1].ReadIntervalsAsync(CancellationToken.None)));
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_lease_is_held_by_one_owner_until_it_expires_or_is_released_and_its_holder_renews_it()
    {
        var now = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
        var ct = CancellationToken.None;

        Assert.True(await Store.TryAcquireLeaseAsync("inbox", "a", now, now.AddSeconds(10), ct));
        Assert.False(await Store.TryAcquireLeaseAsync("inbox", "b", now.AddSeconds(5), now.AddSeconds(15), ct));
        Assert.True(await Store.TryAcquireLeaseAsync("other-inbox", "b", now, now.AddSeconds(10), ct));
        // The holder renews; the standby still waits past the first expiry, then takes it over.
        Assert.True(await Store.TryAcquireLeaseAsync("inbox", "a", now.AddSeconds(8), now.AddSeconds(18), ct));
        Assert.False(await Store.TryAcquireLeaseAsync("inbox", "b", now.AddSeconds(12), now.AddSeconds(22), ct));
        Assert.True(await Store.TryAcquireLeaseAsync("inbox", "b", now.AddSeconds(19), now.AddSeconds(29), ct));
        Assert.False(await Store.TryAcquireLeaseAsync("inbox", "a", now.AddSeconds(20), now.AddSeconds(30), ct));

        // Releasing someone else's lease does nothing; releasing one's own frees it at once.
        await Store.ReleaseLeaseAsync("inbox", "a", ct);
        Assert.False(await Store.TryAcquireLeaseAsync("inbox", "c", now.AddSeconds(20), now.AddSeconds(30), ct));
        await Store.ReleaseLeaseAsync("inbox", "b", ct);
        Assert.True(await Store.TryAcquireLeaseAsync("inbox", "c", now.AddSeconds(20), now.AddSeconds(30), ct));
    }

    [Fact]
    public async Task Of_many_contenders_for_a_free_lease_exactly_one_wins()
    {
        var now = DateTime.UtcNow;
        await using var second = await PipelineStores.OpenAsync(Location, CancellationToken.None);
        IPipelineStore[] stores = [Store, second];

        var won = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            stores[i % 2].TryAcquireLeaseAsync("contended", $"owner-{i}", now, now.AddMinutes(1), CancellationToken.None))));

        Assert.Single(won, held => held);
    }

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
    public async Task The_ledger_keeps_the_content_generation_the_re_sends_and_the_file_with_the_same_content()
    {
        var entry = Ledger(IntervalFile, FileStatus.Published, 3) with { ContentGeneration = 4, Resends = 2, SameContentAs = "opwr_earlier.gz" };

        await Store.RecordFileAsync(entry, CancellationToken.None);

        Assert.Equal(entry, Assert.Single(await Store.FindFilesAsync(IntervalFile, "none", CancellationToken.None)));
        var file = Assert.Single(await Store.GetFilesAsync(CancellationToken.None));
        Assert.Equal((2, "opwr_earlier.gz"), (file.Resends, file.SameContentAs));
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
    public async Task Rejects_are_unique_and_listed_with_refused_files_in_order()
    {
        await Store.RecordFileAsync(
            Ledger("opwr_gec_mystery_20261120060000.csv", FileStatus.Refused, rowsRead: 0) with
            {
                Entity = null,
                RefusalReason = RuleCodes.UnrecognizedFileName,
                RefusalMessage = "not an Opower file name",
            },
            CancellationToken.None);
        var batch = Batch<IntervalRead>(
            [],
            [Reject(Entity.Interval, IntervalFile, line: 7), Reject(Entity.Interval, IntervalFile, line: 3), Reject(Entity.Interval, IntervalFile, line: 7)]);
        await Store.ApplyIntervalsAsync(batch, CancellationToken.None);
        await Store.ApplyIntervalsAsync(batch, CancellationToken.None);

        var rejects = await ToListAsync(Store.ReadRejectsAsync(CancellationToken.None));

        Assert.Equal(
            [("file", "opwr_gec_mystery_20261120060000.csv", 0L), ("intervals", IntervalFile, 3L), ("intervals", IntervalFile, 7L)],
            rejects.Select(reject => (reject.Entity, reject.Lineage.SourceFile, reject.Lineage.Line)).ToArray());
        Assert.Equal((RuleCodes.UnrecognizedFileName, null, "not an Opower file name"), (rejects[0].Rule, rejects[0].Field, rejects[0].Message));
        Assert.Equal(Reject(Entity.Interval, IntervalFile, line: 3), rejects[1]);
    }

    [Fact]
    public async Task The_ledger_upserts_by_file_name_and_lists_files_by_name()
    {
        await Store.RecordFileAsync(Ledger("opwr_b_billing_account_20261120060000.gz", FileStatus.Processing, 0), CancellationToken.None);
        await Store.RecordFileAsync(Ledger("opwr_a_billing_account_20261120060000.gz", FileStatus.Processing, 0), CancellationToken.None);
        await Store.RecordFileAsync(Ledger("opwr_b_billing_account_20261120060000.gz", FileStatus.Published, 0), CancellationToken.None);

        var files = await Store.GetFilesAsync(CancellationToken.None);

        Assert.Equal(
            [("opwr_a_billing_account_20261120060000.gz", FileStatus.Processing, false), ("opwr_b_billing_account_20261120060000.gz", FileStatus.Published, true)],
            files.Select(file => (file.FileName, file.Status, file.Reconciles)).ToArray());
    }

    [Fact]
    public async Task The_ledger_finds_files_by_name_or_content_and_keeps_rows_published()
    {
        await Store.RecordFileAsync(
            Ledger("opwr_a_billing_account_20261120060000.gz", FileStatus.Published, 7) with { Sha256 = "aa", RowsPublished = 7 },
            CancellationToken.None);
        await Store.RecordFileAsync(Ledger("opwr_b_billing_account_20261120060000.gz", FileStatus.Processing, 0) with { Sha256 = "bb" }, CancellationToken.None);
        await Store.RecordFileAsync(Ledger("opwr_c_billing_account_20261120060000.gz", FileStatus.Published, 1) with { Sha256 = "aa" }, CancellationToken.None);

        var found = await Store.FindFilesAsync("opwr_b_billing_account_20261120060000.gz", "aa", CancellationToken.None);

        Assert.Equal(
            [("opwr_a_billing_account_20261120060000.gz", 7L, "aa"), ("opwr_b_billing_account_20261120060000.gz", 0L, "bb"), ("opwr_c_billing_account_20261120060000.gz", 0L, "aa")],
            found.Select(file => (file.FileName, file.RowsPublished, file.Sha256)).ToArray());
        Assert.Equal(Ledger("opwr_a_billing_account_20261120060000.gz", FileStatus.Published, 7) with { Sha256 = "aa", RowsPublished = 7 }, found[0]);
        Assert.Empty(await Store.FindFilesAsync("opwr_x_billing_account_20261120060000.gz", "cc", CancellationToken.None));
    }

    [Fact]
    public async Task New_content_under_a_known_name_drops_the_old_contents_counters_and_rejects()
    {
        await Store.RecordFileAsync(Ledger(IntervalFile, FileStatus.Published, rowsRead: 3), CancellationToken.None);
        await Store.ApplyIntervalsAsync(
            new StoreBatch<IntervalRead>(
                [Interval("SP1", 1m, line: 2)],
                [Reject(Entity.Interval, IntervalFile, line: 3)],
                [new(IntervalFile, 0, 2, false), new(IntervalFile, 0, 3, true), new(IntervalFile, 0, 4, false)]),
            CancellationToken.None);

        await Store.RecordReplacedFileAsync(Ledger(IntervalFile, FileStatus.Published, rowsRead: 2) with { Sha256 = "new" }, CancellationToken.None);
        await Store.ApplyIntervalsAsync(Processed([new(IntervalFile, 0, 2, false), new(IntervalFile, 0, 3, false)]), CancellationToken.None);

        var file = Assert.Single(await Store.GetFilesAsync(CancellationToken.None));
        Assert.Equal((2L, 2L, 0L, true), (file.RowsRead, file.RowsApplied, file.RowsRejected, file.Reconciles));
        Assert.Empty(await ToListAsync(Store.ReadRejectsAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task Intervals_are_read_in_composite_key_order()
    {
        await Store.ApplyIntervalsAsync(
            Batch(
            [
                Interval("b", 1m, line: 2), Interval("B", 2m, line: 3), Interval("B", 3m, line: 4) with { Units = "KWH" },
                Interval("B", 4m, line: 5) with { IntervalEndUtc = End.AddMinutes(-15) },
            ]),
            CancellationToken.None);

        var values = (await ReadIntervalsAsync()).Select(read => read.UsageValue).ToArray();

        Assert.Equal([3m, 4m, 2m, 1m], values);
    }

    [Theory]
    [InlineData("999999999999.999999")]
    [InlineData("-999999999999.999999")]
    [InlineData("-0.000001")]
    [InlineData("0")]
    public async Task Decimals_round_trip_exactly(string text)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        await Store.ApplyIntervalsAsync(Batch([Interval("SP1", value, line: 2)]), CancellationToken.None);

        var read = Assert.Single(await ReadIntervalsAsync());

        Assert.Equal(value, read.UsageValue);
        Assert.Equal(End, read.IntervalEndUtc);
        Assert.Equal(DateTimeKind.Utc, read.IntervalEndUtc.Kind);
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

    protected static IntervalRead Interval(
        string servicePointId, decimal value, long line, string file = IntervalFile, long fileTimestamp = IntervalFileTimestamp) =>
        new(servicePointId, "CONSUMED", "WH", 15, End, value, 'A', "ELECTRIC", new SourceSequence(fileTimestamp, file, line));

    protected static StoreBatch<T> Batch<T>(IReadOnlyList<T> rows, IReadOnlyList<RejectRecord>? rejects = null) =>
        new(rows, rejects ?? [], []);

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    protected Task<List<IntervalRead>> ReadIntervalsAsync() => ToListAsync(Store.ReadIntervalsAsync(CancellationToken.None));

    /// <summary>A second, empty store of the same kind.</summary>
    private async Task<IPipelineStore> OpenSecondStoreAsync() =>
        await PipelineStores.OpenAsync(await CreateLocationAsync(), CancellationToken.None);

    private Task<List<RatePeriod>> ReadPeriodsAsync() => ToListAsync(Store.ReadRatePeriodsAsync(CancellationToken.None));

    private static StoreBatch<IntervalRead> Processed(IReadOnlyList<ProcessedRow> processed) => new([], [], processed);

    private static DateTime Utc(int year, int month, int day) => new(year, month, day, 0, 0, 0, DateTimeKind.Utc);

    private static RateRow Rate(int file, string code, DateTime effective) =>
        new("1234567890", code, effective, null, "ACC1", Sequence(file));

    private static SourceSequence Sequence(int file) =>
        new(20180100000000 + file, $"opwr_gec_billing_account_2018010{file}000000.gz", 2);

    private static RateRow[] WorkedExample() =>
    [
        Rate(1, "ER-BASIC", Utc(2018, 1, 1)),
        Rate(2, "ER-DMINU", Utc(2018, 5, 1)),
        Rate(3, "ER_BASIC", Utc(2018, 5, 1)),
        Rate(4, "ERES1", Utc(2018, 6, 1)),
    ];

    private static readonly RatePeriod[] IntendedPeriods =
    [
        new("1234567890", new RateVersion(Utc(2018, 1, 1), "ER-BASIC", null, "ACC1", Sequence(1)), new DateTime(2018, 4, 30, 23, 59, 59, DateTimeKind.Utc)),
        new("1234567890", new RateVersion(Utc(2018, 5, 1), "ER_BASIC", null, "ACC1", Sequence(3)), new DateTime(2018, 5, 31, 23, 59, 59, DateTimeKind.Utc)),
        new("1234567890", new RateVersion(Utc(2018, 6, 1), "ERES1", null, "ACC1", Sequence(4)), null),
    ];

    private static ServiceQuantity Quantity(string segment, string unit, string timeOfUse, decimal quantity, long line) =>
        new(segment, unit, timeOfUse, "", "BILL1", Utc(2026, 10, 1), Utc(2026, 11, 1), quantity, null,
            new SourceSequence(20261120060000, "opwr_gec_billing_servicequantity_20261120060000.gz", line));

    private static RejectRecord Reject(Entity entity, string file, long line) =>
        new(entity.Name(), new Lineage(file, IntervalFileTimestamp, line), RuleCodes.InvalidDecimal, "usage_value", "not a decimal", "SP1\tabc");

    private static FileLedgerEntry Ledger(string file, FileStatus status, long rowsRead) =>
        new(file, Entity.Interval.Name(), 100, "ab12", status, rowsRead, null, null,
            new DateTimeOffset(2026, 11, 20, 6, 0, 0, TimeSpan.Zero), status == FileStatus.Processing ? null : new DateTimeOffset(2026, 11, 20, 6, 1, 0, TimeSpan.Zero));
}
