using OpowerStream.Domain.Values;

namespace OpowerStream.Domain.Tests.Values;

public class DecimalTypeTests
{
    private static readonly DecimalType Quantity = DecimalType.Quantity;

    [Theory]
    [InlineData("0", "0")]
    [InlineData("42", "42")]
    [InlineData("+1.5", "1.5")]
    [InlineData("-1.5", "-1.5")]
    [InlineData("1.50", "1.50")]
    [InlineData("-0.000001", "-0.000001")]
    [InlineData("999999999999", "999999999999")]
    [InlineData("123456789012.123456", "123456789012.123456")]
    [InlineData("-999999999999.999999", "-999999999999.999999")]
    [InlineData("0.000000", "0.000000")]
    public void Accepts_plain_decimals_within_the_limits_and_keeps_their_scale(string text, string expected)
    {
        var parsed = Quantity.Parse(text);

        Assert.True(parsed.IsSuccess);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), parsed.Value);
        Assert.Equal(expected, parsed.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("1234567890123", "has 13 integer digits; DECIMAL(18,6) allows 12")]
    [InlineData("-1234567890123.5", "has 13 integer digits; DECIMAL(18,6) allows 12")]
    [InlineData("1.1234567", "has 7 fraction digits; DECIMAL(18,6) allows 6")]
    [InlineData("12.1234567", "has 7 fraction digits; DECIMAL(18,6) allows 6")]
    [InlineData("1.5000000", "has 7 fraction digits; DECIMAL(18,6) allows 6")]
    [InlineData("9999999999999999999999.99999999999", "has 22 integer digits; DECIMAL(18,6) allows 12")]
    public void Refuses_one_digit_past_a_limit_instead_of_rounding(string text, string reason)
    {
        var parsed = Quantity.Parse(text);

        Assert.False(parsed.IsSuccess);
        Assert.Equal(new ValueFailure(RuleCodes.InvalidDecimal, reason), parsed.Failure);
        Assert.Equal(0m, parsed.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("-")]
    [InlineData("abc")]
    [InlineData("1,000")]
    [InlineData("1 000")]
    [InlineData("1_000")]
    [InlineData("1e5")]
    [InlineData("1.5E3")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("1.2.3")]
    [InlineData("--1")]
    [InlineData("+-1")]
    [InlineData(" 1")]
    [InlineData("0x10")]
    [InlineData("NaN")]
    [InlineData("\u0663")]
    public void Refuses_anything_but_sign_digits_and_one_point(string text)
    {
        var parsed = Quantity.Parse(text);

        Assert.Equal(RuleCodes.InvalidDecimal, parsed.Failure?.Rule);
        Assert.Equal(
            "is not a plain decimal number; DECIMAL(18,6) expects [+-]digits[.digits] without grouping or exponent",
            parsed.Failure?.Reason);
    }

    [Fact]
    public void Other_precisions_apply_their_own_limits()
    {
        var money = new DecimalType(5, 2);

        Assert.Equal(999.99m, money.Parse("999.99").Value);
        Assert.Equal("has 4 integer digits; DECIMAL(5,2) allows 3", money.Parse("1000").Failure?.Reason);
        Assert.Equal("has 3 fraction digits; DECIMAL(5,2) allows 2", money.Parse("1.234").Failure?.Reason);
        Assert.Equal("DECIMAL(5,2)", money.ToString());
    }

    [Fact]
    public void The_largest_supported_precision_parses_nineteen_digits_exactly()
    {
        var wide = new DecimalType(19, 0);

        Assert.Equal(9999999999999999999m, wide.Parse("9999999999999999999").Value);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(20, 2)]
    [InlineData(5, 6)]
    [InlineData(5, -1)]
    public void Impossible_types_are_refused_when_declared(int precision, int scale)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecimalType(precision, scale));
    }
}
