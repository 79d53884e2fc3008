using System.Data.Common;
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

    public decimal ReadDecimal(DbDataReader reader, int ordinal) => reader.GetDecimal(ordinal);

    public DateTime ReadUtc(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTime>(ordinal);
}
