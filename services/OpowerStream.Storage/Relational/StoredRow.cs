using System.Data.Common;
using OpowerStream.Domain;

namespace OpowerStream.Storage.Relational;

/// <summary>How a store represents decimals and instants (SQLite has neither type).</summary>
internal interface IColumnValues
{
    /// <summary>The parameter value for <paramref name="value"/> in a column of <paramref name="type"/>.</summary>
    object ToParameter(object? value, ColumnType type);

    decimal ReadDecimal(DbDataReader reader, int ordinal);

    DateTime ReadUtc(DbDataReader reader, int ordinal);
}

/// <summary>Typed access to the current row of a reader, whatever the store.</summary>
internal readonly struct StoredRow(DbDataReader reader, IColumnValues values)
{
    public string Text(int ordinal) => reader.GetString(ordinal);

    public string? NullableText(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public int Int32(int ordinal) => reader.GetInt32(ordinal);

    public long Int64(int ordinal) => reader.GetInt64(ordinal);

    public decimal Decimal(int ordinal) => values.ReadDecimal(reader, ordinal);

    public DateTime Utc(int ordinal) => values.ReadUtc(reader, ordinal);

    public DateTime? NullableUtc(int ordinal) => reader.IsDBNull(ordinal) ? null : values.ReadUtc(reader, ordinal);

    /// <summary>The three sequence columns starting at <paramref name="ordinal"/>: timestamp, file, line.</summary>
    public SourceSequence Sequence(int ordinal) => new(Int64(ordinal), Text(ordinal + 1), Int64(ordinal + 3), Int32(ordinal + 2));
}
