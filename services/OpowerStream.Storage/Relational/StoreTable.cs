namespace OpowerStream.Storage.Relational;

/// <summary>The logical type of a column; each store maps it to its own storage type.</summary>
internal enum ColumnType
{
    Text,
    Integer,
    BigInt,
    /// <summary>DECIMAL(18,6).</summary>
    Numeric,
    /// <summary>A UTC instant.</summary>
    Timestamp,
}

internal sealed record Column(string Name, ColumnType Type);

/// <summary>The columns that hold the source sequence which last wrote a row, in the sequence's order.</summary>
internal static class SequenceColumn
{
    public const string Timestamp = "seq_file_timestamp";
    public const string File = "seq_source_file";
    public const string Generation = "seq_generation";
    public const string Line = "seq_line";

    public static string Tuple(string table) =>
        $"({table}.{Timestamp}, {table}.{File}, {table}.{Generation}, {table}.{Line})";
}

/// <summary>What an insert does when the key already exists.</summary>
internal enum ConflictRule
{
    /// <summary>Replace the stored row only when the new row's source sequence is greater or equal (spec section 5).</summary>
    KeepLatestSequence,

    /// <summary>Keep the stored row: the same fact again is a no-op.</summary>
    Ignore,

    /// <summary>The new row replaces the stored one.</summary>
    Replace,

    /// <summary>The new row's values are added to the stored ones: the row holds counters, the new row their increments.</summary>
    Accumulate,
}

/// <summary>
/// A table and how rows of <typeparamref name="T"/> map to its columns (keys first, then values) and
/// back. Both stores build the same SQL from it; only the source of the inserted rows differs.
/// </summary>
internal sealed class StoreTable<T>(
    string name,
    IReadOnlyList<Column> keys,
    IReadOnlyList<Column> values,
    ConflictRule conflictRule,
    Func<T, object?[]> toValues,
    Func<StoredRow, T> fromRow)
{
    public string Name { get; } = name;

    /// <summary>Key columns, then value columns: the order of <see cref="ToValues"/> and <see cref="FromRow"/>.</summary>
    public IReadOnlyList<Column> Columns { get; } = [.. keys, .. values];

    public string ColumnList => string.Join(", ", Columns.Select(column => column.Name));

    public string KeyList { get; } = string.Join(", ", keys.Select(column => column.Name));

    public object?[] ToValues(T row) => toValues(row);

    public T FromRow(StoredRow row) => fromRow(row);

    public string SelectAllSql => $"SELECT {ColumnList} FROM {Name} ORDER BY {KeyList}";

    /// <summary>The key columns: the first columns of <see cref="Columns"/>.</summary>
    public IReadOnlyList<Column> Keys { get; } = keys;

    /// <summary>
    /// The insert of rows produced by <paramref name="source"/> (VALUES or SELECT, with the columns in order),
    /// with the table's conflict rule unless <paramref name="rule"/> names another.
    /// </summary>
    public string InsertSql(string source, ConflictRule? rule = null)
    {
        var insert = $"INSERT INTO {Name} AS target ({ColumnList}) {source} ON CONFLICT ({KeyList}) DO ";
        var assignments = string.Join(", ", values.Select(column => $"{column.Name} = excluded.{column.Name}"));
        return (rule ?? conflictRule) switch
        {
            ConflictRule.Ignore => insert + "NOTHING",
            ConflictRule.Replace => insert + $"UPDATE SET {assignments}",
            ConflictRule.Accumulate => insert + "UPDATE SET "
                + string.Join(", ", values.Select(column => $"{column.Name} = target.{column.Name} + excluded.{column.Name}")),
            _ => insert + $"UPDATE SET {assignments} WHERE {SequenceColumn.Tuple("target")} <= {SequenceColumn.Tuple("excluded")}",
        };
    }
}
