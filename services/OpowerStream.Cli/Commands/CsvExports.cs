using System.Globalization;
using System.Text;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// The export formats (a stable contract for scripts): RFC 4180 CSV, UTC datetimes as
/// <c>yyyy-MM-ddTHH:mm:ssZ</c>, empty for none, decimals with exactly six fraction digits.
/// </summary>
public static class CsvExports
{
    public static async Task RatesAsync(IOperatorStore store, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync("service_agreement_id,sa_rate_code,effective_datetime,end_datetime,updated_at,account_id").ConfigureAwait(false);
        await foreach (var period in store.ReadRatePeriodsAsync(ct).ConfigureAwait(false))
        {
            var v = period.Version;
            await output.WriteLineAsync(Row(period.ServiceAgreementId, v.RateCode, Utc(v.EffectiveUtc), Utc(period.EndUtc), Utc(v.UpdatedAtUtc), v.AccountId)).ConfigureAwait(false);
        }
    }

    public static async Task RejectsAsync(IOperatorStore store, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync("entity,source_file,line,rule,field,message").ConfigureAwait(false);
        await foreach (var reject in store.ReadRejectsAsync(ct).ConfigureAwait(false))
        {
            await output.WriteLineAsync(Row(reject.Entity, reject.Lineage.SourceFile, Number(reject.Lineage.Line), reject.Rule, reject.Field, reject.Message)).ConfigureAwait(false);
        }
    }

    public static async Task IntervalsAsync(IOperatorStore store, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync("service_point_id,service_quantity_identifier,units,interval_minutes,interval_end_utc,usage_value,is_estimate,service_type").ConfigureAwait(false);
        await foreach (var read in store.ReadIntervalsAsync(ct).ConfigureAwait(false))
        {
            await output.WriteLineAsync(Row(read.ServicePointId, read.ServiceQuantityIdentifier, read.Units, Number(read.IntervalMinutes),
                Utc(read.IntervalEndUtc), SixDecimals(read.UsageValue), read.IsEstimate.ToString(), read.ServiceType)).ConfigureAwait(false);
        }
    }

    public static async Task ServiceQuantitiesAsync(IOperatorStore store, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync("bill_segment_id,unit_of_measure,time_of_use,service_quantity_identifier,bill_id,start_read_datetime,end_read_datetime,billed_service_quantity,updated_at").ConfigureAwait(false);
        await foreach (var q in store.ReadServiceQuantitiesAsync(ct).ConfigureAwait(false))
        {
            await output.WriteLineAsync(Row(q.BillSegmentId, q.UnitOfMeasure, q.TimeOfUse, q.ServiceQuantityIdentifier, q.BillId,
                Utc(q.StartUtc), Utc(q.EndUtc), SixDecimals(q.BilledQuantity), Utc(q.UpdatedAtUtc))).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Per series and local day (<c>Utility:TimeZone</c>): intervals expected, received, estimated and missing, every
    /// day of the range for every series with an interval in it.
    /// </summary>
    public static async Task CompletenessAsync(IPipelineStore store, TextWriter output, CompletenessFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync("service_point_id,service_quantity_identifier,units,interval_minutes,local_date,expected,received,estimated,missing").ConfigureAwait(false);
        await foreach (var day in CompletenessDays.ReadAsync(store, filter, ct).ConfigureAwait(false))
        {
            var series = day.Series;
            await output.WriteLineAsync(Row(series.ServicePointId, series.ServiceQuantityIdentifier, series.Units, Number(series.IntervalMinutes),
                LocalDate(day.Day), Number(day.Expected), Number(day.Received), Number(day.Estimated), Number(day.Missing))).ConfigureAwait(false);
        }
    }

    public static async Task FilesAsync(IFileLedgerStore store, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync("file_name,entity,status,rows_read,rows_applied,rows_rejected").ConfigureAwait(false);
        foreach (var f in await store.GetFilesAsync(ct).ConfigureAwait(false))
        {
            await output.WriteLineAsync(Row(f.FileName, f.Entity, f.Status.ToString().ToLowerInvariant(), Number(f.RowsRead), Number(f.RowsApplied), Number(f.RowsRejected))).ConfigureAwait(false);
        }
    }

    public static string Utc(DateTime? value) =>
        value is null ? "" : value.Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string LocalDate(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string SixDecimals(decimal value) => value.ToString("F6", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Row(params string?[] fields)
    {
        var line = new StringBuilder();
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            line.Append(Quote(fields[i] ?? ""));
        }

        return line.ToString();
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
