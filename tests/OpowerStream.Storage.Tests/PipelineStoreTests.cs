using OpowerStream.Domain;
using OpowerStream.Domain.Rates;

namespace OpowerStream.Storage.Tests;

/// <summary>
/// The store contract, arranged by role (<c>PipelineStoreTests.*.cs</c>: apply, file ledger, operator queries,
/// membership; redrive in <see cref="RedriveStoreTests"/>); every test runs against SQLite and PostgreSQL
/// through the subclasses. This file: opening and migrating, and the helpers.
/// </summary>
public abstract partial class PipelineStoreTests : IAsyncLifetime
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
