using System.Globalization;
using System.Text;
using OpowerStream.Consumers.Processing;
using OpowerStream.Contracts;
using OpowerStream.Domain;

namespace OpowerStream.Consumers.Tests.Processing;

/// <summary>Row events as the extractor publishes them (value, key, lineage headers), built from a valid baseline per entity.</summary>
internal static class Records
{
    public const string Topic = "opower.test";

    public static readonly Lineage SourceLineage = new("opwr_test_20261120060000.tsv", 20261120060000, 7, ContentGeneration: 2);

    private static readonly Dictionary<Entity, Dictionary<string, string?>> Baselines = new()
    {
        [Entity.Rate] = new()
        {
            [RateColumns.ServiceAgreementId] = "1234567890",
            [RateColumns.SaRateCode] = "ER-BASIC",
            [RateColumns.EffectiveDatetime] = "2018-01-01 00:00:00",
            [RateColumns.UpdatedAt] = "2018-01-02 09:30:00",
            [RateColumns.AccountId] = "ACC-1",
        },
        [Entity.Interval] = new()
        {
            [IntervalColumns.IntervalMinutes] = "15",
            [IntervalColumns.ServicePointId] = "SP-1001",
            [IntervalColumns.UsageValue] = "1.250000",
            [IntervalColumns.Date] = "20261120",
            [IntervalColumns.Time] = "0615",
            [IntervalColumns.Units] = "KWH",
            [IntervalColumns.IsEstimate] = "A",
            [IntervalColumns.UtcOffset] = "-0500",
            [IntervalColumns.ServiceType] = "ELECTRIC",
            [IntervalColumns.ServiceQuantityIdentifier] = "CONSUMED",
        },
        [Entity.ServiceQuantity] = new()
        {
            [ServiceQuantityColumns.BillId] = "B-77",
            [ServiceQuantityColumns.BillSegmentId] = "BS-770001",
            [ServiceQuantityColumns.UnitOfMeasure] = "KWH",
            [ServiceQuantityColumns.TimeOfUse] = "WEEKEND_SUMMER",
            [ServiceQuantityColumns.ServiceQuantityIdentifier] = "CONSUMED",
            [ServiceQuantityColumns.StartReadDatetime] = "2026-10-01 00:00:00",
            [ServiceQuantityColumns.EndReadDatetime] = "2026-10-31 23:59:59",
            [ServiceQuantityColumns.BilledServiceQuantity] = "812.5",
            [ServiceQuantityColumns.UpdatedAt] = "2026-11-02T08:00:00Z",
        },
    };

    /// <summary>The baseline row of <paramref name="entity"/> with <paramref name="overrides"/>, at <paramref name="lineage"/>.</summary>
    public static RawRow Row(Entity entity, Lineage lineage, params (string Column, string? Value)[] overrides)
    {
        var layout = EntityLayout.For(entity);
        var values = new string?[layout.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Baselines[entity].GetValueOrDefault(layout.Columns[i].Name);
        }

        foreach (var (column, value) in overrides)
        {
            values[layout.IndexOf(column)] = value;
        }

        return new RawRow(lineage, values);
    }

    public static RawRow Row(Entity entity, params (string Column, string? Value)[] overrides) => Row(entity, SourceLineage, overrides);

    /// <summary>The record of <paramref name="row"/> at <paramref name="offset"/>, with the extractor's lineage headers.</summary>
    public static ConsumedRecord Of(Entity entity, RawRow row, long offset = 100, int partition = 3, params RecordHeader[] extraHeaders) =>
        Raw(RawRowSerializer.For(entity).Serialize(row), offset, partition, [.. LineageHeaders(row.Lineage), .. extraHeaders]);

    /// <summary>A record with any value (poison included) and the lineage headers of <see cref="SourceLineage"/>.</summary>
    public static ConsumedRecord Raw(byte[]? value, long offset = 100, int partition = 3, IReadOnlyList<RecordHeader>? headers = null) =>
        new(Topic, partition, offset, Encoding.UTF8.GetBytes("key-" + offset.ToString(CultureInfo.InvariantCulture)), value,
            headers ?? LineageHeaders(SourceLineage));

    public static IReadOnlyList<RecordHeader> LineageHeaders(Lineage lineage) =>
    [
        Text(EventHeaders.File, lineage.SourceFile),
        Text(EventHeaders.FileTimestamp, lineage.FileTimestamp.ToString(CultureInfo.InvariantCulture)),
        Text(EventHeaders.Line, lineage.Line.ToString(CultureInfo.InvariantCulture)),
        Text(EventHeaders.ContentGeneration, lineage.ContentGeneration.ToString(CultureInfo.InvariantCulture)),
    ];

    public static RecordHeader Text(string name, string value) => new(name, Encoding.UTF8.GetBytes(value));

    public static string? Header(DeadLetter deadLetter, string name) =>
        deadLetter.Headers.Where(h => h.Name == name).Select(h => Encoding.UTF8.GetString(h.Value!)).SingleOrDefault();
}
