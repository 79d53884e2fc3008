namespace OpowerStream.Samples.Calendar;

/// <summary>The generated days that fall in one calendar month: one file per entity.</summary>
internal sealed record MonthSlice(int Index, DateOnly FirstDay, DateOnly LastDay)
{
    public int DayCount => LastDay.DayNumber - FirstDay.DayNumber + 1;

    public IEnumerable<DateOnly> Days()
    {
        for (var day = FirstDay; day <= LastDay; day = day.AddDays(1))
        {
            yield return day;
        }
    }

    /// <summary>Splits <paramref name="days"/> days from <paramref name="firstDay"/> at month boundaries.</summary>
    public static IReadOnlyList<MonthSlice> Split(DateOnly firstDay, int days)
    {
        var slices = new List<MonthSlice>();
        var lastDay = firstDay.AddDays(days - 1);
        for (var start = firstDay; start <= lastDay;)
        {
            var monthEnd = new DateOnly(start.Year, start.Month, DateTime.DaysInMonth(start.Year, start.Month));
            var end = monthEnd < lastDay ? monthEnd : lastDay;
            slices.Add(new MonthSlice(slices.Count, start, end));
            start = end.AddDays(1);
        }

        return slices;
    }
}
