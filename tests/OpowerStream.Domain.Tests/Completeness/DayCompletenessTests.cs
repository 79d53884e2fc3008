using OpowerStream.Domain.Completeness;

namespace OpowerStream.Domain.Tests.Completeness;

public class DayCompletenessTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly IntervalSeries Meter = new("SP1", "CONSUMED", "KWH", 15);

    [Fact]
    public void Fills_every_day_of_the_range_with_the_silent_days_owing_all_their_intervals()
    {
        var counts = new List<DayCount>
        {
            new(Meter, new DateOnly(2026, 3, 7), 96, 4),
            new(Meter, new DateOnly(2026, 3, 9), 10, 0),
        };

        var days = DayCompleteness.Range(Meter, counts, new DateOnly(2026, 3, 7), new DateOnly(2026, 3, 10), NewYork).ToList();

        Assert.Equal(
            [
                new DayCompleteness(Meter, new DateOnly(2026, 3, 7), 96, 96, 4),
                new DayCompleteness(Meter, new DateOnly(2026, 3, 8), 92, 0, 0),
                new DayCompleteness(Meter, new DateOnly(2026, 3, 9), 96, 10, 0),
                new DayCompleteness(Meter, new DateOnly(2026, 3, 10), 96, 0, 0),
            ],
            days);
        Assert.Equal([0L, 92, 86, 96], days.Select(day => day.Missing));
        Assert.Equal([true, false, false, false], days.Select(day => day.IsComplete));
    }

    [Fact]
    public void The_received_share_is_received_over_expected()
    {
        Assert.Equal(0.5, new DayCompleteness(Meter, new DateOnly(2026, 11, 1), 100, 50, 0).ReceivedShare);
    }

    [Fact]
    public void The_kind_names_identifier_units_and_length()
    {
        Assert.Equal("CONSUMED KWH 15 min", Meter.Kind);
        Assert.Equal("- KWH 60 min", (Meter with { ServiceQuantityIdentifier = "", IntervalMinutes = 60 }).Kind);
    }
}
