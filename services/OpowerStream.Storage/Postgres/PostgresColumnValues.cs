using System.Data.Common;
using NpgsqlTypes;
using OpowerStream.Storage.Relational;

namespace OpowerStream.Storage.Postgres;

/// <summary>PostgreSQL stores DECIMAL(18,6) as numeric(18,6) and instants as timestamptz.</summary>
internal sealed class PostgresColumnValues : IColumnValues
{
    public static readonly PostgresColumnValues Instance = new();

    public object ToParameter(object? value, ColumnType type) => value switch
    {
        null => DBNull.Value,
        DateTime instant => UtcTime.Normalize(instant), // timestamptz accepts only UTC DateTimes
        _ => value,
    };

    /// <summary>An array for <paramref name="length"/> values of a column of <paramref name="type"/>, nulls allowed.</summary>
    public static Array NewArray(ColumnType type, int length) => type switch
    {
        ColumnType.Text => new string?[length],
        ColumnType.Integer => new int?[length],
        ColumnType.BigInt => new long?[length],
        ColumnType.Numeric => new decimal?[length],
        ColumnType.Timestamp => new DateTime?[length],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Like <see cref="ToParameter"/>, with null for SQL NULL (an array element, not a parameter).</summary>
    public object? ToElement(object? value, ColumnType type) => value is null ? null : ToParameter(value, type);

    public decimal ReadDecimal(DbDataReader reader, int ordinal) => reader.GetDecimal(ordinal);

    public DateTime ReadUtc(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTime>(ordinal);

    public static NpgsqlDbType DbTypeOf(ColumnType type) => type switch
    {
        ColumnType.Text => NpgsqlDbType.Text,
        ColumnType.Integer => NpgsqlDbType.Integer,
        ColumnType.BigInt => NpgsqlDbType.Bigint,
        ColumnType.Numeric => NpgsqlDbType.Numeric,
        ColumnType.Timestamp => NpgsqlDbType.TimestampTz,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
