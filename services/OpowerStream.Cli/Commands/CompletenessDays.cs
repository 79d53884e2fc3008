using System.Runtime.CompilerServices;
using OpowerStream.Domain.Completeness;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary>Which days of interval completeness to show; without a bound, the store's first or last day holding any interval.</summary>
public sealed record CompletenessFilter(DateOnly? From = null, DateOnly? To = null, bool OnlyIncomplete = false);

/// <summary>One kind of series (identifier, units, length) on one day: how many of its meters were complete.</summary>
public sealed record KindCompleteness(string Kind, int Complete, int Meters, long Missing, long Estimated);

/// <summary>The completeness of every series on the last full local day, per kind.</summary>
public sealed record CompletenessSummary(DateOnly Day, string TimeZone, IReadOnlyList<KindCompleteness> Kinds);

/// <summary>Interval completeness as the operator commands show it: every day of a range for every series with data in it.</summary>
public static class CompletenessDays
{
    /// <summary>
    /// For every series with at least one interval in the filter's range, one entry per day of the range
    /// (silent days included), sorted by series then day.
    /// </summary>
    public static async IAsyncEnumerable<DayCompleteness> ReadAsync(
        IPipelineStore store, CompletenessFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(filter);
        if (await RangeAsync(store, filter, ct).ConfigureAwait(false) is not { } range)
        {
            yield break;
        }

        var counts = new List<DayCount>();
        await foreach (var count in store.ReadDayCountsAsync(range.First, range.Last, ct).ConfigureAwait(false))
        {
            if (counts.Count > 0 && counts[0].Series != count.Series)
            {
                foreach (var day in DaysOf(counts, range, store.UtilityTimeZone, filter.OnlyIncomplete))
                {
                    yield return day;
                }

                counts.Clear();
            }

            counts.Add(count);
        }

        foreach (var day in DaysOf(counts, range, store.UtilityTimeZone, filter.OnlyIncomplete))
        {
            yield return day;
        }
    }

    /// <summary>The filter's days, its missing bounds taken from the store; null when there is nothing to show.</summary>
    public static async Task<DayRange?> RangeAsync(IPipelineStore store, CompletenessFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(filter);
        var stored = filter.From is null || filter.To is null ? await store.GetIntervalDaysAsync(ct).ConfigureAwait(false) : null;
        var first = filter.From ?? stored?.First;
        var last = filter.To ?? stored?.Last;
        return first is { } from && last is { } to && from <= to ? new DayRange(from, to) : null;
    }

    /// <summary>
    /// Per kind, the meters complete on the last full local day before <paramref name="now"/> against all the
    /// meters of that kind the store knows (a meter that stopped sending counts as incomplete).
    /// </summary>
    public static async Task<CompletenessSummary> SummarizeLastFullDayAsync(IPipelineStore store, DateTime now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var zone = store.UtilityTimeZone;
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone)).AddDays(-1);
        var counted = new Dictionary<IntervalSeries, DayCount>();
        await foreach (var count in store.ReadDayCountsAsync(day, day, ct).ConfigureAwait(false))
        {
            counted[count.Series] = count;
        }

        var kinds = (await store.GetIntervalSeriesAsync(ct).ConfigureAwait(false))
            .Select(series => DayCompleteness.Of(series, day, counted.TryGetValue(series, out var count) ? count : null, zone))
            .GroupBy(completeness => completeness.Series.Kind, StringComparer.Ordinal)
            .OrderBy(kind => kind.Key, StringComparer.Ordinal)
            .Select(kind => new KindCompleteness(
                kind.Key, kind.Count(d => d.IsComplete), kind.Count(), kind.Sum(d => d.Missing), kind.Sum(d => d.Estimated)))
            .ToList();
        return new CompletenessSummary(day, zone.Id, kinds);
    }

    private static IEnumerable<DayCompleteness> DaysOf(List<DayCount> counts, DayRange range, TimeZoneInfo zone, bool onlyIncomplete) =>
        counts.Count == 0
            ? []
            : DayCompleteness.Range(counts[0].Series, counts, range.First, range.Last, zone).Where(day => !onlyIncomplete || !day.IsComplete);
}
