using OpowerStream.Samples.Writing;

namespace OpowerStream.Samples.Tests;

public sealed class BadRowSelectorTests
{
    [Theory]
    [InlineData(1, 0.5, 1)]
    [InlineData(3, 0.5, 2)]
    [InlineData(1_000, 0.0, 0)]
    [InlineData(1_000, 1.0, 1_000)]
    [InlineData(9_999, 0.013, 130)]
    public void Exactly_the_rounded_share_of_rows_is_chosen(long rows, double rate, long expected)
    {
        var selector = new BadRowSelector(rows, rate, new SplitMix64(42));

        var chosen = 0L;
        for (var row = 0; row < rows; row++)
        {
            chosen += selector.NextRowIsBad() ? 1 : 0;
        }

        selector.EnsureComplete();
        Assert.Equal(expected, chosen);
    }

    [Fact]
    public void Writing_fewer_or_more_rows_than_planned_is_an_error()
    {
        var selector = new BadRowSelector(1, 0, new SplitMix64(1));
        Assert.Throws<InvalidOperationException>(selector.EnsureComplete);

        selector.NextRowIsBad();
        Assert.Throws<InvalidOperationException>(() => selector.NextRowIsBad());
    }

    [Theory]
    [InlineData("0.512", "0.5120001")]
    [InlineData("12", "12.0000001")]
    [InlineData("1.123456", "1.1234561")]
    public void A_decimal_is_spoilt_with_a_seventh_fraction_digit(string value, string spoilt) =>
        Assert.Equal(spoilt, RowFault.TooManyFractionDigits(value));
}
