using System.Globalization;

namespace OpowerStream.Domain.Values;

/// <summary>
/// Spec section 3: <c>DECIMAL(p,s)</c> is <c>[+-]digits[.digits]</c> with at most p-s integer digits
/// and at most s fraction digits. Digits are counted as written (leading and trailing zeros too):
/// the data is billing quality and stored as sent, so nothing is rounded or reinterpreted.
/// </summary>
public readonly record struct DecimalType
{
    /// <summary>All digits must fit an unsigned 64-bit accumulator, which keeps parsing allocation-free.</summary>
    private const int MaxSupportedPrecision = 19;

    public DecimalType(int precision, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(precision, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(precision, MaxSupportedPrecision);
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, precision);
        Precision = precision;
        Scale = scale;
    }

    /// <summary>The type of usage_value and billed_service_quantity.</summary>
    public static DecimalType Quantity { get; } = new(18, 6);

    public int Precision { get; }

    public int Scale { get; }

    public int MaxIntegerDigits => Precision - Scale;

    public Parsed<decimal> Parse(ReadOnlySpan<char> text)
    {
        var position = 0;
        var negative = false;
        if (position < text.Length && text[position] is '+' or '-')
        {
            negative = text[position] == '-';
            position++;
        }

        ulong digits = 0;
        var integerDigits = CountDigits(text, ref position, ref digits);
        var fractionDigits = 0;
        var hasPoint = position < text.Length && text[position] == '.';
        if (hasPoint)
        {
            position++;
            fractionDigits = CountDigits(text, ref position, ref digits);
        }

        if (integerDigits == 0 || (hasPoint && fractionDigits == 0) || position != text.Length)
        {
            return Parsed.Fail<decimal>(
                RuleCodes.InvalidDecimal,
                $"is not a plain decimal number; {this} expects [+-]digits[.digits] without grouping or exponent");
        }

        if (integerDigits > MaxIntegerDigits)
        {
            return Parsed.Fail<decimal>(
                RuleCodes.InvalidDecimal,
                string.Create(CultureInfo.InvariantCulture, $"has {integerDigits} integer digits; {this} allows {MaxIntegerDigits}"));
        }

        if (fractionDigits > Scale)
        {
            return Parsed.Fail<decimal>(
                RuleCodes.InvalidDecimal,
                string.Create(CultureInfo.InvariantCulture, $"has {fractionDigits} fraction digits; {this} allows {Scale}"));
        }

        var value = new decimal((int)(uint)digits, (int)(uint)(digits >> 32), 0, negative, (byte)fractionDigits);
        return Parsed.Success(value);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"DECIMAL({Precision},{Scale})");

    /// <summary>
    /// Reads a run of ASCII digits into the accumulator. It may wrap around for more than
    /// <see cref="MaxSupportedPrecision"/> digits in all; such a value is refused by the digit limits.
    /// </summary>
    private static int CountDigits(ReadOnlySpan<char> text, ref int position, ref ulong accumulator)
    {
        var start = position;
        while (position < text.Length && char.IsAsciiDigit(text[position]))
        {
            accumulator = unchecked((accumulator * 10) + (ulong)(text[position] - '0'));
            position++;
        }

        return position - start;
    }
}
