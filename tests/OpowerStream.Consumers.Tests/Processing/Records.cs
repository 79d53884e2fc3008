using System.Globalization;
using System.Text;
using OpowerStream.Consumers.Processing;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Domain.Tests.Validation;

namespace OpowerStream.Consumers.Tests.Processing;

/// <summary>Row events as the extractor publishes them (value, key, lineage headers), built from a valid baseline per entity.</summary>
internal static class Records
{
    public const string Topic = "opower.test";

    public static readonly Lineage SourceLineage = new("opwr_test_20261120060000.tsv", 20261120060000, 7, ContentGeneration: 2);

    /// <summary>The baseline row of <paramref name="entity"/> with <paramref name="overrides"/>, at <paramref name="lineage"/>.</summary>
    public static RawRow Row(Entity entity, Lineage lineage, params (string Column, string? Value)[] overrides)
    {
        var layout = EntityLayout.For(entity);
        var values = new string?[layout.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ValidRows.For(entity).GetValueOrDefault(layout.Columns[i].Name);
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
