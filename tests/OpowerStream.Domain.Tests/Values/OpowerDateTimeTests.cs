using OpowerStream.Domain.Values;

namespace OpowerStream.Domain.Tests.Values;

public class OpowerDateTimeTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Theory]
    [InlineData("2026-03-15 10:20:30", "2026-03-15T10:20:30.0000000Z")]
    [InlineData("2026-03-15T10:20:30", "2026-03-15T10:20:30.0000000Z")]
    [InlineData("2026-03-15 10:20:30.5", "2026-03-15T10:20:30.5000000Z")]
    [InlineData("2026-03-15 10:20:30.25", "2026-03-15T10:20:30.2500000Z")]
    [InlineData("2026-03-15T10:20:30.1234567", "2026-03-15T10:20:30.1234567Z")]
    [InlineData("2026-03-15T10:20:30Z", "2026-03-15T10:20:30.0000000Z")]
    [InlineData("2026-03-15T10:20:30.5Z", "2026-03-15T10:20:30.5000000Z")]
    [InlineData("2026-03-15T10:20:30+02:00", "2026-03-15T08:20:30.0000000Z")]
    [InlineData("2026-03-15 10:20:30+0200", "2026-03-15T08:20:30.0000000Z")]
    [InlineData("2026-03-15T10:20:30-05:30", "2026-03-15T15:50:30.0000000Z")]
    [InlineData("2026-03-15T10:20:30.25-0500", "2026-03-15T15:20:30.2500000Z")]
    [InlineData("2026-03-15T00:30:00+01:00", "2026-03-14T23:30:00.0000000Z")]
    [InlineData("2026-03-15", "2026-03-15T00:00:00.0000000Z")]
    [InlineData("20260315", "2026-03-15T00:00:00.0000000Z")]
    [InlineData("2024-02-29 23:59:59", "2024-02-29T23:59:59.0000000Z")]
    public void Every_accepted_form_denotes_the_expected_instant_in_a_utc_utility(string text, string expectedUtc)
    {
        var parsed = OpowerDateTime.Parse(text, TimeZoneInfo.Utc);

        Assert.True(parsed.IsSuccess, parsed.Failure?.Reason);
        Assert.Equal(DateTimeKind.Utc, parsed.Value.Kind);
        Assert.Equal(expectedUtc, parsed.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2026-01-15 10:00:00", "2026-01-15T15:00:00.0000000Z")]
    [InlineData("2026-07-15 10:00:00", "2026-07-15T14:00:00.0000000Z")]
    [InlineData("20260715", "2026-07-15T04:00:00.0000000Z")]
    [InlineData("2026-03-08 01:59:59", "2026-03-08T06:59:59.0000000Z")]
    [InlineData("2026-03-08 03:00:00", "2026-03-08T07:00:00.0000000Z")]
    [InlineData("2026-11-01 02:00:00", "2026-11-01T07:00:00.0000000Z")]
    [InlineData("2026-11-01 01:30:00-04:00", "2026-11-01T05:30:00.0000000Z")]
    [InlineData("2026-11-01 01:30:00-05:00", "2026-11-01T06:30:00.0000000Z")]
    [InlineData("2026-03-08 02:30:00Z", "2026-03-08T02:30:00.0000000Z")]
    public void Local_times_without_offset_are_read_in_the_utility_time_zone(string text, string expectedUtc)
    {
        var parsed = OpowerDateTime.Parse(text, NewYork);

        Assert.True(parsed.IsSuccess, parsed.Failure?.Reason);
        Assert.Equal(expectedUtc, parsed.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2026-03-08 02:30:00")]
    [InlineData("2026-03-08 02:00:00")]
    [InlineData("2026-03-08T02:59:59.9")]
    public void A_local_time_skipped_by_spring_forward_is_nonexistent(string text)
    {
        var parsed = OpowerDateTime.Parse(text, NewYork);

        Assert.Equal(RuleCodes.NonexistentLocalTime, parsed.Failure?.Rule);
        Assert.Equal(
            "is a local time that does not exist in America/New_York: the clocks skip it when daylight saving time starts",
            parsed.Failure?.Reason);
    }

    [Theory]
    [InlineData("2026-11-01 01:30:00")]
    [InlineData("2026-11-01 01:00:00")]
    [InlineData("2026-11-01T01:59:59")]
    public void A_local_time_repeated_by_fall_back_is_ambiguous(string text)
    {
        var parsed = OpowerDateTime.Parse(text, NewYork);

        Assert.Equal(RuleCodes.AmbiguousLocalTime, parsed.Failure?.Rule);
        Assert.Contains("occurs twice in America/New_York", parsed.Failure?.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-02-30")]
    [InlineData("2026-13-01")]
    [InlineData("2026-00-10")]
    [InlineData("0000-01-01")]
    [InlineData("20261315")]
    [InlineData("2026-3-15")]
    [InlineData("2026/03/15")]
    [InlineData("15/03/2026")]
    [InlineData("2026-03-15 10:20")]
    [InlineData("2026-03-15 24:00:00")]
    [InlineData("2026-03-15 10:60:00")]
    [InlineData("2026-03-15 10:20:60")]
    [InlineData("2026-03-15_10:20:30")]
    [InlineData("2026-03-15T10:20:30.")]
    [InlineData("2026-03-15T10:20:30.12345678")]
    [InlineData("2026-03-15T10:20:30+2")]
    [InlineData("2026-03-15T10:20:30+02")]
    [InlineData("2026-03-15T10:20:30+15:00")]
    [InlineData("2026-03-15T10:20:30+02:60")]
    [InlineData("2026-03-15T10:20:30 Z")]
    [InlineData("2026-03-15T10:20:30Zjunk")]
    [InlineData("2026-03-15Z")]
    [InlineData("2026-03-15 10:20:30 ")]
    [InlineData("March 15, 2026")]
    public void Anything_else_is_an_invalid_datetime(string text)
    {
        var parsed = OpowerDateTime.Parse(text, TimeZoneInfo.Utc);

        Assert.Equal(RuleCodes.InvalidDatetime, parsed.Failure?.Rule);
        Assert.StartsWith("is not a DATETIME", parsed.Failure?.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_instant_before_year_one_is_out_of_range_rather_than_an_exception()
    {
        var parsed = OpowerDateTime.Parse("0001-01-01 00:00:00+01:00", TimeZoneInfo.Utc);

        Assert.Equal(RuleCodes.InvalidDatetime, parsed.Failure?.Rule);
        Assert.Equal("is outside the range of representable instants", parsed.Failure?.Reason);
    }
}
