using System.Globalization;
using OpowerStream.Domain.Values;

namespace OpowerStream.Domain.Tests.Values;

public class IntervalEndTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly DateOnly FallBackDay = new(2026, 11, 1);
    private static readonly DateOnly SpringForwardDay = new(2026, 3, 8);

    [Theory]
    [InlineData("20261101", 2026, 11, 1)]
    [InlineData("20240229", 2024, 2, 29)]
    public void Reads_the_date_as_yyyyMMdd(string text, int year, int month, int day)
    {
        Assert.Equal(new DateOnly(year, month, day), IntervalEnd.ParseDate(text).Value);
    }

    [Theory]
    [InlineData("2026-11-01")]
    [InlineData("20261131")]
    [InlineData("20250229")]
    [InlineData("2026110")]
    [InlineData("202611011")]
    [InlineData("2026110a")]
    public void Refuses_other_dates(string text)
    {
        var parsed = IntervalEnd.ParseDate(text);

        Assert.Equal(new ValueFailure(RuleCodes.InvalidDatetime, "is not a date in the form yyyyMMdd"), parsed.Failure);
    }

    [Theory]
    [InlineData("0000", 0)]
    [InlineData("0015", 15)]
    [InlineData("0130", 90)]
    [InlineData("2359", 1439)]
    [InlineData("2400", 1440)]
    public void Reads_the_time_as_a_minute_of_day_with_2400_as_the_end_of_the_day(string text, int minuteOfDay)
    {
        Assert.Equal(minuteOfDay, IntervalEnd.ParseTime(text).Value);
    }

    [Theory]
    [InlineData("2401")]
    [InlineData("2500")]
    [InlineData("0060")]
    [InlineData("015")]
    [InlineData("00:15")]
    [InlineData("12345")]
    [InlineData("-015")]
    public void Refuses_other_times(string text)
    {
        Assert.Equal(RuleCodes.InvalidDatetime, IntervalEnd.ParseTime(text).Failure?.Rule);
    }

    [Theory]
    [InlineData("+0530", 5, 30)]
    [InlineData("+05:30", 5, 30)]
    [InlineData("-0500", -5, 0)]
    [InlineData("-05:00", -5, 0)]
    [InlineData("-05", -5, 0)]
    [InlineData("-5", -5, 0)]
    [InlineData("+0", 0, 0)]
    [InlineData("+14", 14, 0)]
    [InlineData("-0930", -9, -30)]
    public void Reads_every_utc_offset_form(string text, int hours, int minutes)
    {
        Assert.Equal(new TimeSpan(hours, minutes, 0), IntervalEnd.ParseUtcOffset(text).Value);
    }

    [Theory]
    [InlineData("0500")]
    [InlineData("5")]
    [InlineData("+")]
    [InlineData("+123")]
    [InlineData("+1500")]
    [InlineData("+1401")]
    [InlineData("+05:60")]
    [InlineData("+05:3")]
    [InlineData("+05-30")]
    [InlineData("Z")]
    [InlineData("EST")]
    public void Refuses_other_offsets(string text)
    {
        Assert.Equal(RuleCodes.InvalidDatetime, IntervalEnd.ParseUtcOffset(text).Failure?.Rule);
    }

    [Theory]
    [InlineData(15, 15, true)]
    [InlineData(90, 15, true)]
    [InlineData(80, 15, false)]
    [InlineData(20, 15, false)]
    [InlineData(1440, 15, true)]
    [InlineData(35, 5, true)]
    [InlineData(37, 5, false)]
    [InlineData(90, 30, true)]
    [InlineData(75, 30, false)]
    [InlineData(90, 60, true)]
    [InlineData(90, 1440, true)]
    public void Checks_alignment_only_for_intervals_under_an_hour(int minuteOfDay, int intervalMinutes, bool aligned)
    {
        Assert.Equal(aligned, IntervalEnd.IsAligned(minuteOfDay, intervalMinutes));
    }

    [Theory]
    [InlineData(75, "2026-11-01T05:15:00Z", "2026-11-01T06:15:00Z")]
    [InlineData(90, "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z")]
    [InlineData(105, "2026-11-01T05:45:00Z", "2026-11-01T06:45:00Z")]
    [InlineData(60, "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z")]
    public void On_the_fall_back_day_the_utc_offset_tells_the_repeated_hour_apart(int minuteOfDay, string daylightUtc, string standardUtc)
    {
        var daylight = IntervalEnd.ToUtc(FallBackDay, minuteOfDay, TimeSpan.FromHours(-4), NewYork);
        var standard = IntervalEnd.ToUtc(FallBackDay, minuteOfDay, TimeSpan.FromHours(-5), NewYork);

        Assert.Equal(Utc(daylightUtc), daylight.Value);
        Assert.Equal(Utc(standardUtc), standard.Value);
        Assert.NotEqual(daylight.Value, standard.Value);
        Assert.Equal(DateTimeKind.Utc, daylight.Value.Kind);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(75)]
    [InlineData(90)]
    [InlineData(105)]
    public void On_the_fall_back_day_the_repeated_hour_without_offset_is_ambiguous(int minuteOfDay)
    {
        var end = IntervalEnd.ToUtc(FallBackDay, minuteOfDay, null, NewYork);

        Assert.Equal(RuleCodes.AmbiguousLocalTime, end.Failure?.Rule);
    }

    [Theory]
    [InlineData(45, "2026-11-01T04:45:00Z")]
    [InlineData(120, "2026-11-01T07:00:00Z")]
    [InlineData(135, "2026-11-01T07:15:00Z")]
    public void On_the_fall_back_day_hours_that_occur_once_need_no_offset(int minuteOfDay, string expectedUtc)
    {
        Assert.Equal(Utc(expectedUtc), IntervalEnd.ToUtc(FallBackDay, minuteOfDay, null, NewYork).Value);
    }

    [Theory]
    [InlineData(120)]
    [InlineData(150)]
    [InlineData(165)]
    public void On_the_spring_forward_day_the_skipped_hour_without_offset_is_nonexistent(int minuteOfDay)
    {
        var end = IntervalEnd.ToUtc(SpringForwardDay, minuteOfDay, null, NewYork);

        Assert.Equal(RuleCodes.NonexistentLocalTime, end.Failure?.Rule);
    }

    [Fact]
    public void On_the_spring_forward_day_an_offset_still_decides_the_instant()
    {
        var end = IntervalEnd.ToUtc(SpringForwardDay, 150, TimeSpan.FromHours(-5), NewYork);

        Assert.Equal(Utc("2026-03-08T07:30:00Z"), end.Value);
    }

    [Fact]
    public void Time_2400_is_midnight_of_the_next_day_before_the_zone_or_offset_applies()
    {
        Assert.Equal(Utc("2027-01-01T00:00:00Z"), IntervalEnd.ToUtc(new DateOnly(2026, 12, 31), IntervalEnd.EndOfDay, null, TimeZoneInfo.Utc).Value);
        Assert.Equal(Utc("2027-01-01T05:00:00Z"), IntervalEnd.ToUtc(new DateOnly(2026, 12, 31), IntervalEnd.EndOfDay, TimeSpan.FromHours(-5), TimeZoneInfo.Utc).Value);

        // 2026-03-07 24:00 is 2026-03-08 00:00 in New York, still standard time.
        Assert.Equal(Utc("2026-03-08T05:00:00Z"), IntervalEnd.ToUtc(new DateOnly(2026, 3, 7), IntervalEnd.EndOfDay, null, NewYork).Value);
    }

    [Fact]
    public void Time_2400_of_the_last_representable_day_is_refused_rather_than_thrown()
    {
        var end = IntervalEnd.ToUtc(DateOnly.MaxValue, IntervalEnd.EndOfDay, null, TimeZoneInfo.Utc);

        Assert.Equal(RuleCodes.InvalidDatetime, end.Failure?.Rule);
    }

    private static DateTime Utc(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
