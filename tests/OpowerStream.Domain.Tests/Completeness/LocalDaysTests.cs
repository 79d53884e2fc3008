using OpowerStream.Domain.Completeness;

namespace OpowerStream.Domain.Tests.Completeness;

public class LocalDaysTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly DateOnly SpringForward = new(2026, 3, 8);
    private static readonly DateOnly FallBack = new(2026, 11, 1);

    [Theory]
    [InlineData(2026, 3, 7, 15, 96)]
    [InlineData(2026, 3, 8, 15, 92)]
    [InlineData(2026, 11, 1, 15, 100)]
    [InlineData(2026, 3, 8, 5, 276)]
    [InlineData(2026, 11, 1, 30, 50)]
    [InlineData(2026, 3, 8, 60, 23)]
    [InlineData(2026, 11, 1, 60, 25)]
    [InlineData(2026, 3, 8, 1440, 1)]
    [InlineData(2026, 11, 1, 1440, 1)]
    public void Expects_the_intervals_of_the_zones_real_day_length(int year, int month, int day, int minutes, int expected)
    {
        Assert.Equal(expected, LocalDays.ExpectedIntervals(new DateOnly(year, month, day), minutes, NewYork));
    }

    [Fact]
    public void A_zone_without_daylight_saving_has_96_quarter_hours_every_day()
    {
        Assert.Equal(96, LocalDays.ExpectedIntervals(SpringForward, 15, TimeZoneInfo.Utc));
        Assert.Equal(96, LocalDays.ExpectedIntervals(FallBack, 15, TimeZoneInfo.Utc));
    }

    [Fact]
    public void A_day_holds_the_interval_starting_at_midnight_and_the_one_ending_at_24_00()
    {
        // 2026-03-07 is EST (UTC-5): 00:15 local is 05:15 UTC, 24:00 local is 2026-03-08 05:00 UTC.
        Assert.Equal(new DateOnly(2026, 3, 7), LocalDays.Of(Utc(2026, 3, 7, 5, 15), 15, NewYork));
        Assert.Equal(new DateOnly(2026, 3, 7), LocalDays.Of(Utc(2026, 3, 8, 5, 0), 15, NewYork));
        Assert.Equal(SpringForward, LocalDays.Of(Utc(2026, 3, 8, 5, 15), 15, NewYork));
    }

    [Fact]
    public void Both_repeated_hours_of_a_fall_back_day_belong_to_it()
    {
        // 01:30 EDT is 05:30 UTC, 01:30 EST is 06:30 UTC: both on 2026-11-01; 24:00 EST is 2026-11-02 05:00 UTC.
        Assert.Equal(FallBack, LocalDays.Of(Utc(2026, 11, 1, 5, 30), 15, NewYork));
        Assert.Equal(FallBack, LocalDays.Of(Utc(2026, 11, 1, 6, 30), 15, NewYork));
        Assert.Equal(FallBack, LocalDays.Of(Utc(2026, 11, 2, 5, 0), 15, NewYork));
    }

    [Fact]
    public void A_daily_read_belongs_to_the_day_it_ends_at_the_midnight_of_even_on_short_and_long_days()
    {
        // Ends 2026-03-09 00:00 EDT (04:00 UTC) after a 23-hour day; ends 2026-11-02 00:00 EST (05:00 UTC) after 25 hours.
        Assert.Equal(SpringForward, LocalDays.Of(Utc(2026, 3, 9, 4, 0), 1440, NewYork));
        Assert.Equal(FallBack, LocalDays.Of(Utc(2026, 11, 2, 5, 0), 1440, NewYork));
    }

    [Fact]
    public void Counting_every_quarter_hour_end_of_a_year_gives_each_day_its_expected_intervals()
    {
        var first = new DateOnly(2026, 1, 1);
        var perDay = new Dictionary<DateOnly, int>();
        for (var end = LocalDays.StartUtc(first, NewYork).AddMinutes(15); end <= LocalDays.StartUtc(new DateOnly(2027, 1, 1), NewYork); end = end.AddMinutes(15))
        {
            var day = LocalDays.Of(end, 15, NewYork);
            perDay[day] = perDay.GetValueOrDefault(day) + 1;
        }

        Assert.Equal(365, perDay.Count);
        Assert.All(perDay, day => Assert.Equal(LocalDays.ExpectedIntervals(day.Key, 15, NewYork), day.Value));
        Assert.Equal(92, perDay[SpringForward]);
        Assert.Equal(100, perDay[FallBack]);
    }

    [Fact]
    public void A_day_whose_midnight_does_not_exist_starts_when_the_clock_resumes()
    {
        // Chile (America/Santiago) springs forward at midnight: 2026-09-06 starts at 01:00 local (04:00 UTC, UTC-3).
        var santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");

        Assert.Equal(Utc(2026, 9, 6, 4, 0), LocalDays.StartUtc(new DateOnly(2026, 9, 6), santiago));
        Assert.Equal(92, LocalDays.ExpectedIntervals(new DateOnly(2026, 9, 6), 15, santiago));
    }

    private static DateTime Utc(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, DateTimeKind.Utc);
}
