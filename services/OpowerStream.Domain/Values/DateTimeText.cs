namespace OpowerStream.Domain.Values;

/// <summary>The fixed-width pieces the date and time formats are made of, read from spans without allocating.</summary>
internal static class DateTimeText
{
    /// <summary>.NET's own limit for offsets (<see cref="DateTimeOffset"/>): +-14:00.</summary>
    private const int MaxOffsetHours = 14;

    public static bool TryReadDigits(ReadOnlySpan<char> text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return true;
    }

    /// <summary>Reads <c>yyyyMMdd</c>, or <c>yyyy-MM-dd</c> when <paramref name="dashed"/>, at the start of the text.</summary>
    public static bool TryReadDate(ReadOnlySpan<char> text, bool dashed, out DateOnly date)
    {
        date = default;
        var monthAt = dashed ? 5 : 4;
        var dayAt = dashed ? 8 : 6;
        if (dashed && (text.Length < 10 || text[4] != '-' || text[7] != '-'))
        {
            return false;
        }

        if (!TryReadDigits(text, 0, 4, out var year)
            || !TryReadDigits(text, monthAt, 2, out var month)
            || !TryReadDigits(text, dayAt, 2, out var day)
            || year < 1
            || month is < 1 or > 12
            || day < 1
            || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>
    /// Reads a whole text as a signed offset: <c>+hh:mm</c> or <c>+hhmm</c>, and when
    /// <paramref name="allowHoursOnly"/> also <c>+hh</c> and <c>+h</c> (the interval file's UTC_offset).
    /// </summary>
    public static bool TryReadOffset(ReadOnlySpan<char> text, bool allowHoursOnly, out TimeSpan offset)
    {
        offset = default;
        if (text.Length < 2 || text[0] is not ('+' or '-'))
        {
            return false;
        }

        var body = text[1..];
        var hours = 0;
        var minutes = 0;
        var parsed = body.Length switch
        {
            1 or 2 => allowHoursOnly && TryReadDigits(body, 0, body.Length, out hours),
            4 => TryReadDigits(body, 0, 2, out hours) && TryReadDigits(body, 2, 2, out minutes),
            5 => body[2] == ':' && TryReadDigits(body, 0, 2, out hours) && TryReadDigits(body, 3, 2, out minutes),
            _ => false,
        };
        if (!parsed || minutes > 59 || hours > MaxOffsetHours || (hours == MaxOffsetHours && minutes > 0))
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (text[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }
}
