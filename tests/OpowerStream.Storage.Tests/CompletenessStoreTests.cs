using Microsoft.Data.Sqlite;
using Npgsql;
using OpowerStream.Domain;
using OpowerStream.Domain.Completeness;
using OpowerStream.Testing;

namespace OpowerStream.Storage.Tests;

/// <summary>
/// Schema version 5 on both stores: interval completeness per series and local day (America/New_York), kept
/// as batches apply: distinct intervals count once, the sequence guard's losers and rejected rows never count,
/// and a correction moves the estimated count.
/// </summary>
public abstract class CompletenessStoreTests : IAsyncLifetime
{
    private const string File = "opwr_gec_v2-0-5_interval15_20261120060000.gz";
    private const long FileTimestamp = 20261120060000;
    private const string LaterFile = "opwr_gec_v2-0-5_interval15_20261121060000.gz";
    private const long LaterFileTimestamp = 20261121060000;
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly DateOnly SpringForward = new(2026, 3, 8);
    private static readonly DateOnly FallBack = new(2026, 11, 1);
    private static readonly IntervalSeries Meter = new("SP1", "CONSUMED", "KWH", 15);

    private IPipelineStore store = null!;
    private StoreLocation location = null!;

    protected abstract Task<StoreLocation> CreateLocationAsync();

    /// <summary>Runs <paramref name="sql"/> on the store's database directly.</summary>
    protected abstract Task ExecuteAsync(StoreLocation location, string sql);

    public async Task InitializeAsync()
    {
        location = await CreateLocationAsync();
        store = await PipelineStores.OpenAsync(location, NewYork, CancellationToken.None);
    }

    public virtual async Task DisposeAsync() => await store.DisposeAsync();

    [Fact]
    public async Task Every_interval_of_the_DST_days_counts_on_its_local_day()
    {
        await ApplyAsync([.. DayOf(SpringForward, 'A'), .. DayOf(FallBack, 'A'), .. DayOf(FallBack.AddDays(1), 'A')]);

        Assert.Equal(
            [new DayCount(Meter, SpringForward, 92, 0), new DayCount(Meter, FallBack, 100, 0), new DayCount(Meter, FallBack.AddDays(1), 96, 0)],
            await CountsAsync());
        Assert.Equal(new DayRange(SpringForward, FallBack.AddDays(1)), await store.GetIntervalDaysAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_gap_leaves_its_intervals_missing_and_a_later_fill_completes_the_day()
    {
        var day = DayOf(FallBack, 'A');
        var gap = day.Skip(40).Take(8).ToList();

        await ApplyAsync([.. day.Except(gap)]);
        Assert.Equal(92, Assert.Single(await CountsAsync()).Received);

        await ApplyAsync(gap);
        Assert.Equal(100, Assert.Single(await CountsAsync()).Received);
    }

    [Fact]
    public async Task Re_sent_redelivered_and_stale_rows_count_once()
    {
        var day = DayOf(SpringForward, 'E');
        await ApplyAsync(day);

        await ApplyAsync(day);
        await ApplyAsync([.. day.Select(row => row with { Sequence = new SourceSequence(LaterFileTimestamp, LaterFile, row.Sequence.Line) })]);
        await ApplyAsync([.. day.Select(row => row with { Sequence = new SourceSequence(FileTimestamp - 1, File, row.Sequence.Line) })]);
        await ApplyAsync([day[0], day[0] with { UsageValue = 9m }, day[1]]);

        Assert.Equal([new DayCount(Meter, SpringForward, 92, 92)], await CountsAsync());
    }

    [Fact]
    public async Task A_correction_to_actuals_lowers_the_estimated_count_and_a_stale_estimate_does_not_raise_it()
    {
        var estimates = DayOf(FallBack, 'E');
        await ApplyAsync(estimates);

        var corrected = estimates.Take(30)
            .Select(row => row with { IsEstimate = 'A', Sequence = new SourceSequence(LaterFileTimestamp, LaterFile, row.Sequence.Line) })
            .ToList();
        await ApplyAsync(corrected);
        Assert.Equal([new DayCount(Meter, FallBack, 100, 70)], await CountsAsync());

        // The original estimates again (a replay of the older file): the guard keeps the actuals.
        await ApplyAsync(estimates.Take(30).ToList());
        Assert.Equal([new DayCount(Meter, FallBack, 100, 70)], await CountsAsync());

        // Customer-reported is not an estimate; back to an estimate raises the count again.
        await ApplyAsync([corrected[0] with { IsEstimate = 'U', Sequence = Later(corrected[0], 1) }, corrected[1] with { IsEstimate = 'E', Sequence = Later(corrected[1], 1) }]);
        Assert.Equal([new DayCount(Meter, FallBack, 100, 71)], await CountsAsync());
    }

    [Fact]
    public async Task A_batch_of_new_and_stored_keys_counts_the_new_ones_and_the_estimates_it_replaced()
    {
        var day = DayOf(FallBack, 'E');
        await ApplyAsync([.. day.Take(60)]);

        // The whole day from a later file: 40 new keys and 60 stored ones replaced, the first 10 of them by actuals.
        await ApplyAsync([.. day.Select((row, index) => row with
        {
            IsEstimate = index < 10 ? 'A' : 'E',
            Sequence = new SourceSequence(LaterFileTimestamp, LaterFile, row.Sequence.Line),
        })]);
        Assert.Equal([new DayCount(Meter, FallBack, 100, 90)], await CountsAsync());

        // The first file's estimates again with one new key: the guard keeps the stored actuals out, the new key counts.
        var nextDay = DayOf(FallBack.AddDays(1), 'E');
        await ApplyAsync([.. day.Take(10), nextDay[0]]);
        Assert.Equal([new DayCount(Meter, FallBack, 100, 90), new DayCount(Meter, FallBack.AddDays(1), 1, 1)], await CountsAsync());
    }

    [Fact]
    public async Task Rejected_rows_never_count()
    {
        var day = DayOf(SpringForward, 'A');
        var rejects = day.Take(5)
            .Select(row => new RejectRecord(Entity.Interval.Name(), new Lineage(File, FileTimestamp, row.Sequence.Line), RuleCodes.InvalidDecimal, "usage_value", "bad", "raw"))
            .ToList();

        await store.ApplyIntervalsAsync(
            new StoreBatch<IntervalRead>([.. day.Skip(5)], rejects, [.. day.Select(row => new ProcessedRow(File, 0, row.Sequence.Line, row.Sequence.Line < day[5].Sequence.Line))]),
            CancellationToken.None);

        Assert.Equal([new DayCount(Meter, SpringForward, 87, 0)], await CountsAsync());
    }

    [Fact]
    public async Task A_meter_that_stops_keeps_its_last_days_and_every_series_is_listed()
    {
        var other = Meter with { ServicePointId = "SP2" };
        var daily = new IntervalSeries("SP1", "CONSUMED", "KWH", 1440);
        var days = Enumerable.Range(0, 5).Select(offset => FallBack.AddDays(offset)).ToList();
        await ApplyAsync([
            .. days.SelectMany(day => DayOf(day, 'A')),
            .. days.Take(2).SelectMany(day => DayOf(day, 'A', other)),
            .. days.Select(day => Read(daily, LocalDays.StartUtc(day.AddDays(1), NewYork), 'E', 1)),
        ]);

        var inRange = await store.ReadDayCountsAsync(days[1], days[3], CancellationToken.None).ToListAsync();

        Assert.Equal(
            [
                new DayCount(Meter, days[1], 96, 0), new DayCount(Meter, days[2], 96, 0), new DayCount(Meter, days[3], 96, 0),
                new DayCount(daily, days[1], 1, 1), new DayCount(daily, days[2], 1, 1), new DayCount(daily, days[3], 1, 1),
                new DayCount(other, days[1], 96, 0),
            ],
            inRange);
        Assert.Equal([Meter, daily, other], await store.GetIntervalSeriesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_store_holding_intervals_from_before_version_5_counts_them_once_when_opened()
    {
        await ApplyAsync([.. DayOf(SpringForward, 'E').Take(50), .. DayOf(FallBack, 'A')]);
        await store.DisposeAsync();
        await ExecuteAsync(location, "DROP TABLE interval_completeness; DELETE FROM schema_version WHERE version = 5");

        var opened = await Task.WhenAll(
            Task.Run(() => PipelineStores.OpenAsync(location, NewYork, CancellationToken.None)),
            Task.Run(() => PipelineStores.OpenAsync(location, NewYork, CancellationToken.None)));
        await opened[1].DisposeAsync();
        store = opened[0];

        Assert.Equal([new DayCount(Meter, SpringForward, 50, 50), new DayCount(Meter, FallBack, 100, 0)], await CountsAsync());
        await ApplyAsync(DayOf(SpringForward, 'E'));
        Assert.Equal([new DayCount(Meter, SpringForward, 92, 92), new DayCount(Meter, FallBack, 100, 0)], await CountsAsync());
    }

    [Fact]
    public async Task An_empty_store_has_no_interval_days()
    {
        Assert.Null(await store.GetIntervalDaysAsync(CancellationToken.None));
        Assert.Empty(await store.GetIntervalSeriesAsync(CancellationToken.None));
    }

    private Task ApplyAsync(IReadOnlyList<IntervalRead> rows) =>
        store.ApplyIntervalsAsync(
            new StoreBatch<IntervalRead>(rows, [], [.. rows.Select(row => new ProcessedRow(row.Sequence.SourceFile, 0, row.Sequence.Line, Rejected: false))]),
            CancellationToken.None);

    private ValueTask<List<DayCount>> CountsAsync() => store.ReadDayCountsAsync(null, null, CancellationToken.None).ToListAsync();

    /// <summary>Every interval of <paramref name="day"/> in New York, ending 00:15 to 24:00, on lines 2, 3, ...</summary>
    private static List<IntervalRead> DayOf(DateOnly day, char estimate, IntervalSeries? series = null)
    {
        var start = LocalDays.StartUtc(day, NewYork);
        return [.. Enumerable.Range(1, LocalDays.ExpectedIntervals(day, 15, NewYork))
            .Select(index => Read(series ?? Meter, start.AddMinutes(15 * index), estimate, (day.DayNumber * 1000L) + index))];
    }

    private static IntervalRead Read(IntervalSeries series, DateTime endUtc, char estimate, long line) =>
        new(series.ServicePointId, series.ServiceQuantityIdentifier, series.Units, series.IntervalMinutes, endUtc, 1m, estimate, "ELECTRIC",
            new SourceSequence(FileTimestamp, File, line));

    private static SourceSequence Later(IntervalRead row, long files) =>
        new(row.Sequence.FileTimestamp + files, row.Sequence.SourceFile, row.Sequence.Line);
}

public sealed class SqliteCompletenessStoreTests : CompletenessStoreTests
{
    private readonly SqliteFolder folder = new("opowerstream-completeness");

    protected override Task<StoreLocation> CreateLocationAsync() => Task.FromResult(folder.NewStore());

    protected override async Task ExecuteAsync(StoreLocation location, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={location.Target}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        folder.Dispose();
    }
}

public sealed class PostgresCompletenessStoreTests(PostgresFixture postgres) : CompletenessStoreTests, IClassFixture<PostgresFixture>
{
    protected override async Task<StoreLocation> CreateLocationAsync() =>
        new(StoreKind.Postgres, await postgres.CreateDatabaseAsync(nameof(PostgresCompletenessStoreTests)));

    protected override async Task ExecuteAsync(StoreLocation location, string sql)
    {
        await using var connection = new NpgsqlConnection(location.Target);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
