namespace OpowerStream.Domain.Tests.Validation;

/// <summary>Raw rows for validator tests: a valid baseline with some columns replaced.</summary>
internal static class TestRows
{
    public static readonly Lineage SourceLineage = new("opwr_gec_v2-0-5_test_20261120060000.tsv", 20261120060000, 7);

    public static RawRow Build(EntityLayout layout, IReadOnlyDictionary<string, string?> baseline, (string Column, string? Value)[] overrides)
    {
        var values = new string?[layout.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = baseline.GetValueOrDefault(layout.Columns[i].Name);
        }

        foreach (var (column, value) in overrides)
        {
            values[layout.IndexOf(column)] = value;
        }

        return new RawRow(SourceLineage, values);
    }

    public static DateTime Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, DateTimeKind.Utc);
}
