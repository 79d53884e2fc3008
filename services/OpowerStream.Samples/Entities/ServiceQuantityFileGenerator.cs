using OpowerStream.Domain;
using OpowerStream.Samples.Calendar;
using OpowerStream.Samples.Writing;

namespace OpowerStream.Samples.Entities;

/// <summary>
/// One billing service-quantity file per month: every service point gets one bill for the month's
/// generated days, with a DAYS row and either ON_PEAK and OFF_PEAK consumption or one flat total.
/// </summary>
internal sealed class ServiceQuantityFileGenerator(GeneratorOptions options, Population population, LocalClock clock)
{
    private const int Scale = 3;

    public static readonly IReadOnlyList<string> Header =
    [
        ServiceQuantityColumns.BillId, ServiceQuantityColumns.BillSegmentId, ServiceQuantityColumns.UnitOfMeasure,
        ServiceQuantityColumns.TimeOfUse, ServiceQuantityColumns.ServiceQuantityIdentifier,
        ServiceQuantityColumns.StartReadDatetime, ServiceQuantityColumns.EndReadDatetime,
        ServiceQuantityColumns.BilledServiceQuantity, ServiceQuantityColumns.UpdatedAt,
    ];

    private static readonly IReadOnlyList<RowFault> Faults =
    [
        RowFault.Swap(RuleCodes.InvalidRange, Header, ServiceQuantityColumns.StartReadDatetime, ServiceQuantityColumns.EndReadDatetime),
        RowFault.Replace(RuleCodes.InvalidDecimal, Header, ServiceQuantityColumns.BilledServiceQuantity, RowFault.TooManyFractionDigits),
        RowFault.Replace(RuleCodes.MissingRequired, Header, ServiceQuantityColumns.BillId, _ => string.Empty),
    ];

    public FileOutcome Write(string path, MonthSlice slice, CancellationToken ct)
    {
        var plannedRows = Enumerable.Range(0, population.Count).Sum(RowsPerBill);
        var values = StableHash.Generator(options.Seed, Purpose.ServiceQuantityValues, slice.Index);
        using var file = new SampleFileWriter(
            path, Entity.ServiceQuantity, Header, Faults, plannedRows, options.ErrorRate,
            StableHash.Generator(options.Seed, Purpose.BadRows, (long)Entity.ServiceQuantity, slice.Index));

        var readStart = clock.Unambiguous(slice.FirstDay, TimeOnly.MinValue);
        var readEnd = clock.Unambiguous(slice.LastDay.AddDays(1), TimeOnly.MinValue);
        var updatedAt = clock.Unambiguous(slice.LastDay.AddDays(1), new TimeOnly(21, 15));
        var typicalKwh = slice.Days().Sum(LoadCurve.DailyKwh);
        long goodScaled = 0;
        for (var servicePoint = 0; servicePoint < population.Count; servicePoint++)
        {
            ct.ThrowIfCancellationRequested();
            var billId = 5_000_000_000_000L + (slice.Index * (long)Population.MaxServicePoints) + servicePoint;
            var bill = new Bill(file, billId, readStart, readEnd, updatedAt);
            goodScaled += bill.Write(string.Empty, string.Empty, "DAYS", slice.DayCount * 1000L);

            var consumed = (long)Math.Round(typicalKwh * population.Scale(servicePoint) * (0.9 + (0.2 * values.NextDouble())) * 1000);
            if (Population.BilledByTimeOfUse(servicePoint))
            {
                var onPeak = (long)(consumed * (0.3 + (0.1 * values.NextDouble())));
                goodScaled += bill.Write("KWH", "ON_PEAK", "CONSUMED", onPeak);
                goodScaled += bill.Write("KWH", "OFF_PEAK", "CONSUMED", consumed - onPeak);
            }
            else
            {
                goodScaled += bill.Write("KWH", string.Empty, "CONSUMED", consumed);
            }
        }

        return new FileOutcome(file.Complete(), goodScaled / 1000m);
    }

    private static int RowsPerBill(int servicePoint) => Population.BilledByTimeOfUse(servicePoint) ? 3 : 2;

    /// <summary>The rows of one bill; each returns the quantity it added to the good total (0 when spoilt).</summary>
    private readonly record struct Bill(SampleFileWriter File, long BillId, DateTime ReadStart, DateTime ReadEnd, DateTime UpdatedAt)
    {
        public long Write(string unit, string timeOfUse, string identifier, long thousandths)
        {
            var row = File.Row;
            row.Number(BillId);
            row.Number((BillId * 10) + 1);
            row.Text(unit);
            row.Text(timeOfUse);
            row.Text(identifier);
            row.LocalDateTime(ReadStart);
            row.LocalDateTime(ReadEnd);
            row.Fixed(thousandths, Scale);
            row.LocalDateTime(UpdatedAt);
            return File.EndRow() ? thousandths : 0;
        }
    }
}
