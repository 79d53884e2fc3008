using System.Data.Common;
using OpowerStream.Storage.Relational;

namespace OpowerStream.Storage.Sqlite;

/// <summary>
/// SQLite has no exact decimal nor instant type: DECIMAL(18,6) is stored as INTEGER micro-units
/// (value x 10^6, exact) and an instant as INTEGER microseconds since the Unix epoch, UTC.
/// </summary>
internal sealed class SqliteColumnValues : IColumnValues
{
    private const decimal MicroUnitsPerUnit = 1_000_000m;
    private const byte DecimalScale = 6;

    public static readonly SqliteColumnValues Instance = new();

    public object ToParameter(object? value, ColumnType type) => value switch
    {
        null => DBNull.Value,
        decimal number when type == ColumnType.Numeric => ToMicroUnits(number),
        DateTime instant when type == ColumnType.Timestamp => ToUnixMicroseconds(instant),
        _ => value,
    };

    public decimal ReadDecimal(DbDataReader reader, int ordinal) => FromMicroUnits(reader.GetInt64(ordinal));

    public DateTime ReadUtc(DbDataReader reader, int ordinal) => FromUnixMicroseconds(reader.GetInt64(ordinal));

    public static long ToMicroUnits(decimal value)
    {
        var scaled = value * MicroUnitsPerUnit;
        if (scaled != decimal.Truncate(scaled))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A DECIMAL(18,6) value has at most 6 fraction digits.");
        }

        return decimal.ToInt64(scaled);
    }

    /// <summary>Always scale 6, like PostgreSQL's numeric(18,6), so both stores give the same text.</summary>
    public static decimal FromMicroUnits(long microUnits)
    {
        var magnitude = microUnits == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(microUnits);
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, microUnits < 0, DecimalScale);
    }

    public static long ToUnixMicroseconds(DateTime value) =>
        (UtcTime.Normalize(value) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    public static DateTime FromUnixMicroseconds(long microseconds) =>
        DateTime.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);
}
