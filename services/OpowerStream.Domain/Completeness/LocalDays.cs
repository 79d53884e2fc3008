namespace OpowerStream.Domain.Completeness;

/// <summary>
/// The utility's local days as completeness counts them: a day holds the intervals that start in it (so
/// the interval ending at 24:00 is the day's last), and a day lasts as long as the zone says, 23 to 25
/// hours around daylight-saving changes.
/// </summary>
public static class LocalDays
{
    private const int MinutesPerDay = 24 * 60;

    /// <summary>The local day the interval ending at <paramref name="intervalEndUtc"/> belongs to.</summary>
    public static DateOnly Of(DateTime intervalEndUtc, int intervalMinutes, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (intervalMinutes >= MinutesPerDay)
        {
            // A daily read starts at the wall-clock midnight before its end, even when the day lasted 23 or 25 hours.
            return DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(intervalEndUtc, zone).AddMinutes(-intervalMinutes));
        }

        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(intervalEndUtc.AddMinutes(-intervalMinutes), zone));
    }

    /// <summary>
    /// How many intervals of <paramref name="intervalMinutes"/> start in <paramref name="day"/>: for 15 minutes
    /// 96 on a normal day, 92 on a spring-forward day and 100 on a fall-back day; one for a daily length.
    /// </summary>
    public static int ExpectedIntervals(DateOnly day, int intervalMinutes, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intervalMinutes);
        if (intervalMinutes >= MinutesPerDay)
        {
            return 1;
        }

        var length = StartUtc(day.AddDays(1), zone) - StartUtc(day, zone);
        // A day shifted by a half hour (Lord Howe) still starts an hourly interval in its last half hour.
        return (int)Math.Ceiling(length.TotalMinutes / intervalMinutes);
    }

    /// <summary>The instant <paramref name="day"/> starts: local midnight, or the end of a gap that swallowed midnight.</summary>
    public static DateTime StartUtc(DateOnly day, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        // A repeated midnight belongs to the day from its first occurrence on: the larger offset.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
    }
}
