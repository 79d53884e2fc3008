using OpowerStream.Domain;

namespace OpowerStream.Consumers.Processing;

/// <summary>The row as the reject shows it: the raw line when the extractor kept it, else the file's values tab-joined.</summary>
public static class RawRowText
{
    public static string Of(RawRow row, Entity entity)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Defect is not null)
        {
            return row.Defect.RawLine;
        }

        var columns = EntityLayout.For(entity).Columns;
        var values = new List<string>(columns.Count);
        for (var i = 0; i < columns.Count; i++)
        {
            if (!columns[i].FromFileName)
            {
                values.Add(row.Values[i] ?? "");
            }
        }

        return string.Join('\t', values);
    }
}
