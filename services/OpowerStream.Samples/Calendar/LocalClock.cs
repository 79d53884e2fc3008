namespace OpowerStream.Samples.Calendar;

/// <summary>Local wall-clock time in the generation's time zone, and its link to UTC.</summary>
internal sealed class LocalClock(TimeZoneInfo zone)
{
    private static readonly TimeOnly Noon = new(12, 0);

    public TimeZoneInfo Zone { get; } = zone;

    /// <summary>
    /// The instant a local day starts. Where midnight is skipped (a few zones move clocks at 00:00)
    /// the day starts at the end of the gap; where it repeats, at its first occurrence.
    /// </summary>
    public DateTime StartOfDayUtc(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        if (Zone.IsInvalidTime(midnight))
        {
            // The offset in force just before the gap maps midnight onto the transition instant.
            return DateTime.SpecifyKind(midnight - Zone.GetUtcOffset(midnight.AddHours(-6)), DateTimeKind.Utc);
        }

        var offset = Zone.IsAmbiguousTime(midnight) ? Zone.GetAmbiguousTimeOffsets(midnight).Max() : Zone.GetUtcOffset(midnight);
        return DateTime.SpecifyKind(midnight - offset, DateTimeKind.Utc);
    }

    public TimeSpan OffsetAt(DateTime utc) => Zone.GetUtcOffset(utc);

    /// <summary>
    /// A local date-time on <paramref name="day"/> that exists exactly once: <paramref name="preferred"/>,
    /// or noon on the rare day the preferred time falls into a clock change.
    /// </summary>
    public DateTime Unambiguous(DateOnly day, TimeOnly preferred)
    {
        var local = day.ToDateTime(preferred);
        return Zone.IsInvalidTime(local) || Zone.IsAmbiguousTime(local) ? day.ToDateTime(Noon) : local;
    }

    /// <summary>The instant of a local time that <see cref="Unambiguous"/> produced.</summary>
    public DateTime ToUtc(DateTime unambiguousLocal) =>
        DateTime.SpecifyKind(unambiguousLocal - Zone.GetUtcOffset(unambiguousLocal), DateTimeKind.Utc);
}
