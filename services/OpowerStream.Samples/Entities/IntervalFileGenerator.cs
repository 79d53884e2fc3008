using OpowerStream.Domain;
using OpowerStream.Samples.Calendar;
using OpowerStream.Samples.Writing;

namespace OpowerStream.Samples.Entities;

/// <summary>
/// One interval file per month: for each local day, each service point's reads in interval-end order.
/// The reads of a day are the instants from the day's start to the next day's start, so a fall-back
/// day has 25 hours (its repeated local hour twice, told apart by UTC_offset) and a spring-forward day 23.
/// </summary>
internal sealed class IntervalFileGenerator(GeneratorOptions options, Population population, LocalClock clock)
{
    private const string Units = "KWH";

    public static readonly IReadOnlyList<string> Header =
    [
        IntervalColumns.ServicePointId, IntervalColumns.Date, IntervalColumns.Time, IntervalColumns.UsageValue,
        IntervalColumns.Units, IntervalColumns.IsEstimate, IntervalColumns.UtcOffset, IntervalColumns.ServiceType,
        IntervalColumns.ServiceQuantityIdentifier,
    ];

    private readonly IReadOnlyList<RowFault> faults = Faults(options.IntervalMinutes);
    private readonly Dictionary<TimeSpan, string> offsetTexts = [];

    public FileOutcome Write(string path, MonthSlice slice, CancellationToken ct)
    {
        var plannedRows = slice.Days().Sum(day => (long)Slots(day).Count) * population.Count;
        var values = StableHash.Generator(options.Seed, Purpose.IntervalValues, slice.Index);
        using var file = new SampleFileWriter(
            path, Entity.Interval, Header, faults, plannedRows, options.ErrorRate,
            StableHash.Generator(options.Seed, Purpose.BadRows, (long)Entity.Interval, slice.Index));
        var row = file.Row;
        long goodThousandths = 0;
        foreach (var day in slice.Days())
        {
            var slots = Slots(day);
            for (var servicePoint = 0; servicePoint < population.Count; servicePoint++)
            {
                ct.ThrowIfCancellationRequested();
                var scale = population.Scale(servicePoint);
                foreach (var slot in slots)
                {
                    var noise = 0.75 + (0.5 * values.NextDouble());
                    var thousandths = Math.Max(1, (long)Math.Round(slot.TypicalKwh * scale * noise * 1000));
                    row.Number(Population.ServicePointId(servicePoint));
                    row.Digits(slot.LocalDate, 8);
                    row.Digits(slot.LocalTime, 4);
                    row.Fixed(thousandths, 3);
                    row.Text(Units);
                    row.Text(EstimateFlag(values.NextDouble()));
                    row.Text(slot.UtcOffset);
                    row.Text("ELECTRIC");
                    row.Text("CONSUMED");
                    if (file.EndRow())
                    {
                        goodThousandths += thousandths;
                    }
                }
            }
        }

        return new FileOutcome(file.Complete(), goodThousandths / 1000m);
    }

    /// <summary>Mostly actual reads, a few estimated by VEE, a few with the flag left empty.</summary>
    private static string EstimateFlag(double draw) => draw switch
    {
        < 0.97 => "A",
        < 0.99 => "E",
        _ => string.Empty,
    };

    private List<IntervalSlot> Slots(DateOnly day)
    {
        var length = TimeSpan.FromMinutes(options.IntervalMinutes);
        var start = clock.StartOfDayUtc(day);
        var next = clock.StartOfDayUtc(day.AddDays(1));
        var seasonal = LoadCurve.Seasonal(day);
        var slots = new List<IntervalSlot>();

        // A daily read covers the local day whatever its length; shorter reads step through its instants.
        var firstEnd = options.IntervalMinutes == 1440 ? next : start + length;
        for (var end = firstEnd; end <= next; end += length)
        {
            var offset = clock.OffsetAt(end);
            var local = end + offset;
            var typicalKw = LoadCurve.MeanKw((local.Hour * 60) + local.Minute, options.IntervalMinutes);
            slots.Add(new IntervalSlot(
                (local.Year * 10_000) + (local.Month * 100) + local.Day,
                (local.Hour * 100) + local.Minute,
                OffsetText(offset),
                typicalKw * options.IntervalMinutes / 60 * seasonal));
        }

        return slots;
    }

    private string OffsetText(TimeSpan offset)
    {
        if (!offsetTexts.TryGetValue(offset, out var text))
        {
            var sign = offset < TimeSpan.Zero ? '-' : '+';
            var magnitude = offset.Duration();
            text = $"{sign}{magnitude.Hours:00}{magnitude.Minutes:00}";
            offsetTexts.Add(offset, text);
        }

        return text;
    }

    private static List<RowFault> Faults(int intervalMinutes)
    {
        var faults = new List<RowFault>
        {
            RowFault.Replace(RuleCodes.InvalidDecimal, Header, IntervalColumns.UsageValue, RowFault.TooManyFractionDigits),
            RowFault.Replace(RuleCodes.NegativeUsage, Header, IntervalColumns.UsageValue, usage => "-" + usage),
            RowFault.Replace(RuleCodes.InvalidEnum, Header, IntervalColumns.Units, _ => "BTU"),
            RowFault.Replace(RuleCodes.TooLong, Header, IntervalColumns.ServicePointId, id => id.PadRight(41, '0')),
            RowFault.Replace(RuleCodes.MissingRequired, Header, IntervalColumns.ServicePointId, _ => string.Empty),
            RowFault.Replace(RuleCodes.InvalidDatetime, Header, IntervalColumns.Date, _ => "20261341"),
            RowFault.DropLastField(RuleCodes.WrongColumnCount),
        };

        // Minutes only have to be a multiple of the interval length under an hour (spec 4.1).
        if (intervalMinutes < 60)
        {
            faults.Add(RowFault.Replace(RuleCodes.MisalignedInterval, Header, IntervalColumns.Time, time => time[..2] + "07"));
        }

        return faults;
    }

    /// <summary>One read position of a local day, shared by all service points.</summary>
    private readonly record struct IntervalSlot(int LocalDate, int LocalTime, string UtcOffset, double TypicalKwh);
}

/// <summary>A written file and the sum of its good rows' values.</summary>
internal sealed record FileOutcome(GeneratedFile File, decimal ValueSum);
