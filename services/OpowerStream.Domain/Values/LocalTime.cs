namespace OpowerStream.Domain.Values;

/// <summary>
/// Turns a wall-clock time into a UTC instant (spec section 3): either with the offset the file
/// gave, or in the utility's time zone, where a skipped or repeated local time has no single instant.
/// </summary>
public static class LocalTime
{
    private const string OutOfRange = "is outside the range of representable instants";

    /// <summary>The instant of <paramref name="local"/> (any kind is read as wall-clock) at a known offset.</summary>
    public static Parsed<DateTime> ToUtc(DateTime local, TimeSpan offset)
    {
        var ticks = local.Ticks - offset.Ticks;
        return ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks
            ? Parsed.Fail<DateTime>(RuleCodes.InvalidDatetime, OutOfRange)
            : Parsed.Success(new DateTime(ticks, DateTimeKind.Utc));
    }

    /// <summary>The instant of <paramref name="local"/> (any kind is read as wall-clock) in <paramref name="zone"/>.</summary>
    public static Parsed<DateTime> ToUtc(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var wallClock = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(wallClock))
        {
            return Parsed.Fail<DateTime>(
                RuleCodes.NonexistentLocalTime,
                $"is a local time that does not exist in {zone.Id}: the clocks skip it when daylight saving time starts");
        }

        if (zone.IsAmbiguousTime(wallClock))
        {
            return Parsed.Fail<DateTime>(
                RuleCodes.AmbiguousLocalTime,
                $"is a local time that occurs twice in {zone.Id} when daylight saving time ends; only an offset can tell which is meant");
        }

        return ToUtc(wallClock, zone.GetUtcOffset(wallClock));
    }
}
