namespace OpowerStream.Domain.Values;

/// <summary>
/// Spec 4.1: an interval read's end is a local <c>date</c> (<c>yyyyMMdd</c>) and <c>time</c> (<c>HHmm</c>,
/// 0000-2359, <c>2400</c> = next day 0000) with an optional <c>UTC_offset</c>. The pieces are parsed
/// one by one so a failure can name its column.
/// </summary>
public static class IntervalEnd
{
    /// <summary>The minute of day <c>2400</c> stands for: midnight at the end of the date.</summary>
    public const int EndOfDay = 24 * 60;

    private const string DateReason = "is not a date in the form yyyyMMdd";
    private const string TimeReason = "is not a time in the form HHmm (0000-2359, or 2400 for the end of the day)";
    private const string OffsetReason = "is not a UTC offset in the form +hhmm, +hh:mm, +hh or +h (or with -)";

    public static Parsed<DateOnly> ParseDate(ReadOnlySpan<char> text) =>
        text.Length == 8 && DateTimeText.TryReadDate(text, dashed: false, out var date)
            ? Parsed.Success(date)
            : Parsed.Fail<DateOnly>(RuleCodes.InvalidDatetime, DateReason);

    /// <summary>The local minute of day the interval ends at, 0-1439, or <see cref="EndOfDay"/> for <c>2400</c>.</summary>
    public static Parsed<int> ParseTime(ReadOnlySpan<char> text)
    {
        if (text.Length != 4
            || !DateTimeText.TryReadDigits(text, 0, 2, out var hours)
            || !DateTimeText.TryReadDigits(text, 2, 2, out var minutes)
            || minutes > 59
            || hours > 24
            || (hours == 24 && minutes != 0))
        {
            return Parsed.Fail<int>(RuleCodes.InvalidDatetime, TimeReason);
        }

        return Parsed.Success((hours * 60) + minutes);
    }

    public static Parsed<TimeSpan> ParseUtcOffset(ReadOnlySpan<char> text) =>
        DateTimeText.TryReadOffset(text, allowHoursOnly: true, out var offset)
            ? Parsed.Success(offset)
            : Parsed.Fail<TimeSpan>(RuleCodes.InvalidDatetime, OffsetReason);

    /// <summary>
    /// Reads ending on a clock minute that is not a multiple of the interval length (e.g. 10:20 in a
    /// 15-minute file) do not line up with the meter's intervals. Lengths of an hour or more are not
    /// checked: a daily or hourly file's time says nothing finer than the hour.
    /// </summary>
    public static bool IsAligned(int minuteOfDay, int intervalMinutes) =>
        intervalMinutes >= 60 || minuteOfDay % 60 % intervalMinutes == 0;

    /// <summary>
    /// The UTC instant the interval ends at. <c>2400</c> first becomes 00:00 of the next local day; then
    /// the offset, when the file gave one, decides the instant (it tells the two 01:30s of a fall-back
    /// day apart), else the utility time zone does.
    /// </summary>
    public static Parsed<DateTime> ToUtc(DateOnly date, int minuteOfDay, TimeSpan? utcOffset, TimeZoneInfo utilityTimeZone)
    {
        var localTicks = (date.DayNumber * TimeSpan.TicksPerDay) + (minuteOfDay * TimeSpan.TicksPerMinute);
        if (localTicks > DateTime.MaxValue.Ticks)
        {
            return Parsed.Fail<DateTime>(RuleCodes.InvalidDatetime, "is past the last representable day");
        }

        var local = new DateTime(localTicks, DateTimeKind.Unspecified);
        return utcOffset is { } offset ? LocalTime.ToUtc(local, offset) : LocalTime.ToUtc(local, utilityTimeZone);
    }
}
