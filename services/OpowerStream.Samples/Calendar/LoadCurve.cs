namespace OpowerStream.Samples.Calendar;

/// <summary>
/// A household's typical demand: a base load, a morning and a larger evening peak, more in winter
/// (heating) and in high summer (cooling). Values in kW for a household of scale 1.
/// </summary>
internal static class LoadCurve
{
    private const int MinutesPerDay = 1440;

    // Prefix sums of the demand per minute of day, so any interval's mean is two lookups.
    private static readonly double[] CumulativeKwMinutes = BuildCumulative();

    /// <summary>Mean demand (kW) over the <paramref name="lengthMinutes"/> ending at local minute-of-day <paramref name="endMinute"/>.</summary>
    public static double MeanKw(int endMinute, int lengthMinutes)
    {
        var startMinute = endMinute - lengthMinutes;
        var sum = startMinute >= 0
            ? CumulativeKwMinutes[endMinute] - CumulativeKwMinutes[startMinute]
            : CumulativeKwMinutes[endMinute] + CumulativeKwMinutes[MinutesPerDay] - CumulativeKwMinutes[MinutesPerDay + startMinute];
        return sum / lengthMinutes;
    }

    public static double DailyKwh(DateOnly day) => CumulativeKwMinutes[MinutesPerDay] / 60 * Seasonal(day);

    /// <summary>1 in spring and autumn, up to about 1.35 in mid-winter and 1.25 in mid-summer.</summary>
    public static double Seasonal(DateOnly day)
    {
        var angle = 2 * Math.PI * (day.DayOfYear - 15) / 365.25;
        return 1 + (0.35 * Math.Max(0, Math.Cos(angle))) + (0.25 * Math.Max(0, -Math.Cos(angle)));
    }

    private static double[] BuildCumulative()
    {
        var cumulative = new double[MinutesPerDay + 1];
        for (var minute = 0; minute < MinutesPerDay; minute++)
        {
            var hour = (minute + 0.5) / 60;
            var kw = 0.35
                + (0.9 * Math.Exp(-Math.Pow(hour - 7.5, 2) / 2))
                + (1.6 * Math.Exp(-Math.Pow(hour - 19, 2) / 4));
            cumulative[minute + 1] = cumulative[minute] + kw;
        }

        return cumulative;
    }
}
