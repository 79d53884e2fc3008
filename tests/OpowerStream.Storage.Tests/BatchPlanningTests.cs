using OpowerStream.Domain;
using OpowerStream.Storage.Batching;
using OpowerStream.Storage.Sqlite;

namespace OpowerStream.Storage.Tests;

public sealed class BatchPlanningTests
{
    private static SourceSequence Line(long line) => new(20261120060000, "f.gz", line);

    [Fact]
    public void LatestByKey_keeps_the_highest_sequence_of_each_key()
    {
        var rows = new[] { ("a", Line(3)), ("b", Line(1)), ("a", Line(5)), ("a", Line(4)) };

        var latest = LatestByKey.Select(rows, row => row.Item1, row => row.Item2);

        Assert.Equal([("a", Line(5)), ("b", Line(1))], latest.OrderBy(row => row.Item1).ToArray());
    }

    [Fact]
    public void FileProgress_counts_only_lines_above_the_highest_counted_one()
    {
        var group = Assert.Single(FileProgress.Group(
        [
            new("f.gz", 0, 4, Rejected: true), new("f.gz", 0, 2, false), new("f.gz", 0, 5, false), new("f.gz", 0, 5, false),
        ]));

        Assert.Equal(new ProgressIncrement(5, 2, 1), group.CountAbove(0));
        Assert.Equal(new ProgressIncrement(5, 1, 1), group.CountAbove(3));
        Assert.Equal(new ProgressIncrement(9, 0, 0), group.CountAbove(9));
    }

    [Fact]
    public void FileProgress_groups_by_file_and_partition_in_ordinal_order()
    {
        var groups = FileProgress.Group([new("b", 1, 2, false), new("a", 2, 2, false), new("B", 0, 2, false), new("a", 1, 2, false)]);

        Assert.Equal([("B", 0), ("a", 1), ("a", 2), ("b", 1)], groups.Select(group => (group.SourceFile, group.Partition)).ToArray());
    }

    [Fact]
    public void RateBatchPlan_upserts_final_versions_and_audits_every_displaced_value()
    {
        var effective = new DateTime(2018, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        RateRow Row(string code, long line) => new("SA1", code, effective, null, null, Line(line));

        var plan = RateBatchPlan.Build([Row("B", 3), Row("A", 2), Row("C", 4)], []);

        var changed = Assert.Single(plan.Changed);
        Assert.Equal(("SA1", "C"), (changed.ServiceAgreementId, changed.Version.RateCode));
        Assert.Equal(["A", "B"], plan.Displaced.Select(entry => entry.RateCode).Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [InlineData("999999999999.999999", 999999999999999999L)]
    [InlineData("-0.000001", -1L)]
    [InlineData("1.5", 1500000L)]
    public void Sqlite_stores_decimals_as_exact_micro_units(string text, long microUnits)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(microUnits, SqliteColumnValues.ToMicroUnits(value));
        Assert.Equal(value, SqliteColumnValues.FromMicroUnits(microUnits));
        Assert.Equal(6, SqliteColumnValues.FromMicroUnits(microUnits).Scale);
    }

    [Fact]
    public void Sqlite_refuses_a_decimal_it_would_have_to_round() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SqliteColumnValues.ToMicroUnits(0.0000001m));

    [Fact]
    public void Sqlite_stores_instants_as_utc_microseconds()
    {
        var instant = new DateTime(2026, 11, 20, 6, 0, 0, DateTimeKind.Utc).AddTicks(1230);

        var stored = SqliteColumnValues.ToUnixMicroseconds(instant);

        Assert.Equal(instant.AddTicks(-instant.Ticks % 10), SqliteColumnValues.FromUnixMicroseconds(stored));
        Assert.Equal(DateTimeKind.Utc, SqliteColumnValues.FromUnixMicroseconds(stored).Kind);
    }
}

public sealed class CompletenessDeltasTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void Rows_in_meter_and_time_order_sum_per_series_and_local_day_like_one_row_at_a_time()
    {
        // Two meters' 2026 quarter hours in runs of 500 (a day boundary, DST changes and series changes inside runs;
        // every third run backwards, as a late correction might come), every third row new and an estimate, every
        // fifth an actual replacing an estimate.
        var first = new Domain.Completeness.IntervalSeries("SP1", "CONSUMED", "KWH", 15);
        var second = first with { ServicePointId = "SP2" };
        var start = new DateTime(2026, 1, 1, 5, 15, 0, DateTimeKind.Utc);
        var rows = Enumerable.Range(0, 365 * 96 * 2)
            .Select(index => (Series: index / 500 % 2 == 0 ? first : second, Index: index))
            .Select(row => new AppliedInterval(row.Series, start.AddMinutes(15 * (row.Index / 2)), row.Index % 3 == 0, row.Index % 5 != 0, row.Index % 5 == 0))
            .Chunk(500)
            .SelectMany((run, index) => index % 3 == 1 ? run.Reverse() : run)
            .ToList();

        var expected = rows
            .GroupBy(row => (row.Series, Day: Domain.Completeness.LocalDays.Of(row.IntervalEndUtc, 15, NewYork)))
            .Select(day => new Domain.Completeness.DayCount(
                day.Key.Series, day.Key.Day, day.Count(row => row.Inserted), day.Sum(row => (row.IsEstimate ? 1 : 0) - (row.WasEstimate ? 1 : 0))))
            .Where(day => day.Received != 0 || day.Estimated != 0)
            .OrderBy(day => day.Series.ServicePointId, StringComparer.Ordinal).ThenBy(day => day.Day);

        var deltas = CompletenessDeltas.Of(rows, NewYork).OrderBy(day => day.Series.ServicePointId, StringComparer.Ordinal).ThenBy(day => day.Day);

        Assert.Equal(expected, deltas);
    }

    [Fact]
    public void A_row_that_changes_nothing_leaves_no_delta()
    {
        var series = new Domain.Completeness.IntervalSeries("SP1", "", "KWH", 60);
        var end = new DateTime(2026, 11, 1, 6, 0, 0, DateTimeKind.Utc);

        Assert.Empty(CompletenessDeltas.Of([new AppliedInterval(series, end, IsEstimate: true, Inserted: false, WasEstimate: true)], NewYork));
        Assert.Equal(
            [new Domain.Completeness.DayCount(series, new DateOnly(2026, 11, 1), 1, -1)],
            CompletenessDeltas.Of(
                [
                    new AppliedInterval(series, end, IsEstimate: false, Inserted: false, WasEstimate: true),
                    new AppliedInterval(series, end.AddHours(1), IsEstimate: false, Inserted: true, WasEstimate: false),
                ],
                NewYork));
    }

    [Fact]
    public void Withdrawing_an_assumed_new_row_and_adding_what_happened_counts_like_adding_what_happened()
    {
        // PostgreSQL counts every staged row as new, then corrects the rows the upsert replaced or kept out.
        var series = new Domain.Completeness.IntervalSeries("SP1", "CONSUMED", "KWH", 15);
        var end = new DateTime(2026, 3, 8, 5, 15, 0, DateTimeKind.Utc);
        var replaced = new AppliedInterval(series, end, IsEstimate: true, Inserted: true, WasEstimate: false);
        var keptOut = new AppliedInterval(series, end.AddMinutes(15), IsEstimate: true, Inserted: true, WasEstimate: false);
        var inserted = new AppliedInterval(series, end.AddMinutes(30), IsEstimate: false, Inserted: true, WasEstimate: false);
        var corrected = new CompletenessDeltas(NewYork);
        foreach (var row in (AppliedInterval[])[replaced, keptOut, inserted])
        {
            corrected.Add(row);
        }

        corrected.Withdraw(replaced);
        corrected.Add(replaced with { Inserted = false, WasEstimate = true });
        corrected.Withdraw(keptOut);

        Assert.Equal(
            [new Domain.Completeness.DayCount(series, new DateOnly(2026, 3, 8), 1, 0)],
            corrected.ToList());
        Assert.Equal(
            CompletenessDeltas.Of([replaced with { Inserted = false, WasEstimate = true }, inserted], NewYork),
            corrected.ToList());
    }
}
