using OpowerStream.Domain.Completeness;

namespace OpowerStream.Storage.Batching;

/// <summary>
/// The local day of interval ends (<see cref="LocalDays.Of"/>), remembering the last day's interval ends: a
/// batch holds a meter's reads in time order, so most fall in the day before them and skip the zone's
/// conversions, which cost about a microsecond each.
/// </summary>
internal sealed class LocalDayCache(TimeZoneInfo zone)
{
    private DateOnly day;
    private int minutes;
    private DateTime firstEnd = DateTime.MaxValue;
    private DateTime endsBefore = DateTime.MinValue;

    public DateOnly Of(DateTime intervalEndUtc, int intervalMinutes)
    {
        if (intervalMinutes == minutes && intervalEndUtc >= firstEnd && intervalEndUtc < endsBefore)
        {
            return day;
        }

        day = LocalDays.Of(intervalEndUtc, intervalMinutes, zone);
        minutes = intervalMinutes;
        // A day's intervals start from its first instant up to the next day's: their ends are one length later.
        // Daily reads are dated by the wall clock instead (LocalDays.Of): nothing is remembered for them.
        (firstEnd, endsBefore) = intervalMinutes >= 24 * 60
            ? (DateTime.MaxValue, DateTime.MinValue)
            : (LocalDays.StartUtc(day, zone).AddMinutes(intervalMinutes), LocalDays.StartUtc(day.AddDays(1), zone).AddMinutes(intervalMinutes));
        return day;
    }
}
