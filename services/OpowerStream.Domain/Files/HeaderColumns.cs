namespace OpowerStream.Domain.Files;

/// <summary>
/// The header line matched against the entity's layout: names trimmed and compared ignoring case,
/// in any order (spec section 2). Refuses the file when a required column is missing or a used
/// column is named twice.
/// </summary>
internal sealed class HeaderColumns
{
    private const int Unused = -1;

    private readonly int[] layoutIndexOfField;
    private readonly string[] fieldNames;

    private HeaderColumns(int[] layoutIndexOfField, string[] fieldNames, IReadOnlyList<string> unknownColumns)
    {
        this.layoutIndexOfField = layoutIndexOfField;
        this.fieldNames = fieldNames;
        UnknownColumns = unknownColumns;
    }

    public int Count => layoutIndexOfField.Length;

    /// <summary>Header columns the entity does not use, in header order.</summary>
    public IReadOnlyList<string> UnknownColumns { get; }

    /// <summary>The layout index the field fills, or a negative number for an ignored column.</summary>
    public int LayoutIndexOf(int field) => layoutIndexOfField[field];

    /// <summary>The field's column name: the layout's spelling for a used column, else the header's.</summary>
    public string NameOf(int field) => fieldNames[field];

    public static HeaderColumns Parse(
        ReadOnlySpan<byte> line, byte delimiter, EntityLayout layout, string fileName, List<FieldRange> fields)
    {
        if (!DelimitedLineSplitter.TrySplit(line, delimiter, fields, out var error))
        {
            throw new FileRefusedException(fileName, RuleCodes.MissingColumn, $"the header cannot be read: {error}");
        }

        var layoutIndexOfField = new int[fields.Count];
        var fieldNames = new string[fields.Count];
        var unknownColumns = new List<string>();
        var found = new bool[layout.Columns.Count];
        for (var field = 0; field < fields.Count; field++)
        {
            var headerName = DelimitedLineSplitter.Decode(line, fields[field]).Trim();
            var column = FindFileColumn(layout, headerName);
            layoutIndexOfField[field] = column;
            if (column == Unused)
            {
                fieldNames[field] = headerName;
                unknownColumns.Add(headerName);
                continue;
            }

            fieldNames[field] = layout.Columns[column].Name;
            if (found[column])
            {
                throw new FileRefusedException(
                    fileName,
                    FileRefusalReasons.DuplicateColumn,
                    $"column '{layout.Columns[column].Name}' appears more than once in the header");
            }

            found[column] = true;
        }

        var missing = layout.Columns
            .Where((column, index) => column.Required && !column.FromFileName && !found[index])
            .Select(column => $"'{column.Name}'")
            .ToList();
        if (missing.Count > 0)
        {
            var subject = missing.Count == 1 ? $"required column {missing[0]} is" : $"required columns {string.Join(", ", missing)} are";
            throw new FileRefusedException(
                fileName,
                RuleCodes.MissingColumn,
                $"{subject} not in the header (columns: {string.Join(", ", fieldNames)})");
        }

        return new HeaderColumns(layoutIndexOfField, fieldNames, unknownColumns);
    }

    /// <summary>Columns filled from the file name are never read from the header.</summary>
    private static int FindFileColumn(EntityLayout layout, string headerName)
    {
        for (var index = 0; index < layout.Columns.Count; index++)
        {
            var column = layout.Columns[index];
            if (!column.FromFileName && string.Equals(column.Name, headerName, StringComparison.OrdinalIgnoreCase))
            {
                return index;
            }
        }

        return Unused;
    }
}
