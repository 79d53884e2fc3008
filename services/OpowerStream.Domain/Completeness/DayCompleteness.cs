namespace OpowerStream.Domain.Completeness;

/// <summary>One meter's series of interval reads: the interval read key without its interval end.</summary>
public readonly record struct IntervalSeries(string ServicePointId, string ServiceQuantityIdentifier, string Units, int IntervalMinutes)
{
    /// <summary>What the series measures, for grouping meters alike: identifier, units and length (e.g. <c>CONSUMED KWH 15 min</c>).</summary>
    public string Kind => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{(ServiceQuantityIdentifier.Length == 0 ? "-" : ServiceQuantityIdentifier)} {Units} {IntervalMinutes} min");
}

/// <summary>
/// What the store counted for one series on one local day: the distinct intervals applied, and how many of
/// them currently hold an estimate.
/// </summary>
public readonly record struct DayCount(IntervalSeries Series, DateOnly Day, long Received, long Estimated);

/// <summary>One series' completeness on one local day; <see cref="Missing"/> = expected - received.</summary>
public readonly record struct DayCompleteness(IntervalSeries Series, DateOnly Day, int Expected, long Received, long Estimated)
{
    public long Missing => Expected - Received;

    public bool IsComplete => Received >= Expected;

    /// <summary>The share of expected intervals received, 0 to 1.</summary>
    public double ReceivedShare => Expected == 0 ? 1 : Math.Min(1, (double)Received / Expected);

    /// <summary>
    /// The day of <paramref name="series"/> from its stored count, or an empty day when nothing was received
    /// (a meter that stopped sending still owes its intervals).
    /// </summary>
    public static DayCompleteness Of(IntervalSeries series, DateOnly day, DayCount? counted, TimeZoneInfo zone) =>
        new(series, day, LocalDays.ExpectedIntervals(day, series.IntervalMinutes, zone), counted?.Received ?? 0, counted?.Estimated ?? 0);

    /// <summary>
    /// Every day from <paramref name="first"/> to <paramref name="last"/> of one series, from its counts in that
    /// range sorted by day; days without a count are days with nothing received.
    /// </summary>
    public static IEnumerable<DayCompleteness> Range(
        IntervalSeries series, IReadOnlyList<DayCount> counts, DateOnly first, DateOnly last, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var next = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            while (next < counts.Count && counts[next].Day < day)
            {
                next++;
            }

            DayCount? counted = next < counts.Count && counts[next].Day == day ? counts[next] : null;
            yield return Of(series, day, counted, zone);
        }
    }
}

/// <summary>The local days from <see cref="First"/> to <see cref="Last"/>, both included.</summary>
public readonly record struct DayRange(DateOnly First, DateOnly Last)
{
    public int Days => Last.DayNumber - First.DayNumber + 1;
}
