namespace OpowerStream.Domain.Values;

/// <summary>
/// Spec section 3 <c>DATETIME</c>: <c>yyyy-MM-dd HH:mm:ss</c> or <c>yyyy-MM-ddTHH:mm:ss</c>, an optional
/// fraction of 1-7 digits and an optional offset (<c>Z</c>, <c>+hh:mm</c>, <c>+hhmm</c>), or a date alone
/// (<c>yyyy-MM-dd</c>, <c>yyyyMMdd</c>) meaning local midnight. Without an offset the value is local
/// time in the utility's time zone. The result is always UTC.
/// </summary>
public static class OpowerDateTime
{
    private const int DateLength = 10;
    private const int DateTimeLength = 19;
    private const int MaxFractionDigits = 7;

    private const string FormatReason =
        "is not a DATETIME (yyyy-MM-dd HH:mm:ss or yyyy-MM-ddTHH:mm:ss, optional fraction and offset Z, +hh:mm or +hhmm; or yyyy-MM-dd or yyyyMMdd)";

    public static Parsed<DateTime> Parse(ReadOnlySpan<char> text, TimeZoneInfo utilityTimeZone)
    {
        if (!TryReadWallClock(text, out var local, out var offset, out var hasOffset))
        {
            return Parsed.Fail<DateTime>(RuleCodes.InvalidDatetime, FormatReason);
        }

        return hasOffset ? LocalTime.ToUtc(local, offset) : LocalTime.ToUtc(local, utilityTimeZone);
    }

    private static bool TryReadWallClock(ReadOnlySpan<char> text, out DateTime local, out TimeSpan offset, out bool hasOffset)
    {
        local = default;
        offset = default;
        hasOffset = false;
        if (text.Length == 8)
        {
            return TryReadMidnight(text, dashed: false, out local);
        }

        if (text.Length == DateLength)
        {
            return TryReadMidnight(text, dashed: true, out local);
        }

        if (text.Length < DateTimeLength
            || !DateTimeText.TryReadDate(text, dashed: true, out var date)
            || text[10] is not (' ' or 'T')
            || text[13] != ':'
            || text[16] != ':'
            || !DateTimeText.TryReadDigits(text, 11, 2, out var hour)
            || !DateTimeText.TryReadDigits(text, 14, 2, out var minute)
            || !DateTimeText.TryReadDigits(text, 17, 2, out var second)
            || hour > 23
            || minute > 59
            || second > 59)
        {
            return false;
        }

        var rest = text[DateTimeLength..];
        var fractionTicks = 0;
        if (rest.Length > 0 && rest[0] == '.')
        {
            var fractionEnd = 1;
            while (fractionEnd < rest.Length && char.IsAsciiDigit(rest[fractionEnd]))
            {
                fractionEnd++;
            }

            var fractionDigits = fractionEnd - 1;
            if (fractionDigits is 0 or > MaxFractionDigits)
            {
                return false;
            }

            _ = DateTimeText.TryReadDigits(rest, 1, fractionDigits, out fractionTicks);
            for (var scale = fractionDigits; scale < MaxFractionDigits; scale++)
            {
                fractionTicks *= 10;
            }

            rest = rest[fractionEnd..];
        }

        if (rest.Length > 0)
        {
            hasOffset = true;
            if (!(rest is "Z" || DateTimeText.TryReadOffset(rest, allowHoursOnly: false, out offset)))
            {
                return false;
            }
        }

        local = date.ToDateTime(new TimeOnly(hour, minute, second)).AddTicks(fractionTicks);
        return true;
    }

    private static bool TryReadMidnight(ReadOnlySpan<char> text, bool dashed, out DateTime local)
    {
        var valid = DateTimeText.TryReadDate(text, dashed, out var date);
        local = date.ToDateTime(TimeOnly.MinValue);
        return valid;
    }
}
