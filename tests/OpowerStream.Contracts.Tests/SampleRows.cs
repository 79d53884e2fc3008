using OpowerStream.Domain;

namespace OpowerStream.Contracts.Tests;

/// <summary>Rows exercising the awkward values: nulls, empty strings, padding, non-ASCII, defects.</summary>
internal static class SampleRows
{
    public static readonly Lineage Lineage = new("intervals_interval15_20260131235959.tsv", 20260131235959, 42, ContentGeneration: 3);

    public static TheoryData<Entity> Entities => [.. Enum.GetValues<Entity>()];

    public static RawRow WithValues(Entity entity)
    {
        var columns = EntityLayout.For(entity).Columns;
        var values = new string?[columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (i % 4) switch
            {
                0 => $" {columns[i].Name} ",
                1 => null,
                2 => string.Empty,
                _ => "Zürich ⚡ 東京",
            };
        }

        return new RawRow(Lineage, values);
    }

    public static RawRow WithDefect(Entity entity) => new(
        Lineage with { Line = 7 },
        new string?[EntityLayout.For(entity).Columns.Count],
        new RowDefect(RuleCodes.WrongColumnCount, null, "3 values, 5 expected", "a\tb\tc"));
}
