using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using OpowerStream.Domain;
using OpowerStream.Storage.Batching;
using OpowerStream.Storage.Relational;

namespace OpowerStream.Storage.Postgres;

/// <summary>
/// The scale-out store: a PostgreSQL database through a pooled Npgsql data source. Rows are
/// copied in binary into a session staging table and merged with one set-based upsert.
/// </summary>
internal sealed class PostgresPipelineStore : RelationalPipelineStore
{
    private readonly NpgsqlDataSource dataSource;

    private PostgresPipelineStore(NpgsqlDataSource dataSource, TimeZoneInfo utilityTimeZone)
        : base(PostgresColumnValues.Instance, utilityTimeZone)
    {
        this.dataSource = dataSource;
    }

    public static async Task<IPipelineStore> OpenAsync(string connectionString, TimeZoneInfo utilityTimeZone, CancellationToken ct)
    {
        // Pooled sessions keep their temporary staging tables instead of being reset (DISCARD ALL) each
        // time they return to the pool; the store sets no other session state.
        var dataSource = new NpgsqlDataSourceBuilder(connectionString) { ConnectionStringBuilder = { NoResetOnClose = true } }.Build();
        try
        {
            var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await SchemaMigrator.MigrateAsync(connection, PostgresSchema.Dialect, PostgresSchema.Migrations, ct)
                    .ConfigureAwait(false);
            }

            var store = new PostgresPipelineStore(dataSource, utilityTimeZone);
            await store.CountIntervalsStoredBeforeCompletenessAsync(ct).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct) =>
        await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

    /// <summary>The rows staged (<see cref="StageAsync"/>), then one set-based upsert from the staging table.</summary>
    protected override async Task WriteRowsAsync<T>(
        DbConnection connection, DbTransaction transaction, StoreTable<T> table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        var staging = await StageAsync(connection, transaction, table, rows, ct).ConfigureAwait(false);
        // Key order keeps row locks in one order across concurrent writers (no deadlock cycles).
        await using var upsert = connection.Command(transaction,
            table.InsertSql($"SELECT {table.ColumnList} FROM {staging} ORDER BY {table.KeyList}"));
        await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// One statement: the upsert, then the counters from what it returns. <c>xmax = 0</c> marks a freshly
    /// inserted row version; for a replaced one the stored estimate flag is read from the statement's own snapshot,
    /// which still shows it as it was (only RETURNING shows a CTE's writes). The local day of each row is computed
    /// here (the domain's rule) and staged beside it as a day number, so no row travels back to the client.
    /// </summary>
    protected override async Task WriteCountedIntervalsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<IntervalRead> rows, CancellationToken ct)
    {
        var table = Tables.Intervals;
        var days = new LocalDayCache(UtilityTimeZone);
        var staging = await StageAsync(connection, transaction, table, rows, ct,
            ("local_day_number", row => days.Of(row.IntervalEndUtc, row.IntervalMinutes).DayNumber)).ConfigureAwait(false);
        var keys = table.Keys.Select(key => key.Name).ToList();
        var seriesColumns = string.Join(", ", keys.Where(key => key != "interval_end_utc"));
        string SameKey(string left, string right) => string.Join(" AND ", keys.Select(key => $"{left}.{key} = {right}.{key}"));
        var counters = Tables.IntervalCompleteness;
        await using var upsert = connection.Command(transaction, $"""
            WITH written AS (
                {table.InsertSql($"SELECT {table.ColumnList} FROM {staging} ORDER BY {table.KeyList}")}
                RETURNING {table.KeyList}, is_estimate, xmax = 0 AS inserted
            ), changes AS (
                SELECT {string.Join(", ", keys.Select(key => $"written.{key}"))}, staged.local_day_number,
                    CASE WHEN written.inserted THEN 1 ELSE 0 END AS received,
                    CASE WHEN written.is_estimate = 'E' THEN 1 ELSE 0 END - CASE WHEN written.inserted THEN 0
                        ELSE (SELECT CASE WHEN stored.is_estimate = 'E' THEN 1 ELSE 0 END FROM {table.Name} stored WHERE {SameKey("stored", "written")}) END
                        AS estimated
                FROM written JOIN {staging} staged ON {SameKey("staged", "written")}
            )
            {counters.InsertSql($"""
                SELECT {seriesColumns}, to_char(DATE '0001-01-01' + local_day_number, 'YYYY-MM-DD') AS local_date, SUM(received), SUM(estimated)
                FROM changes GROUP BY {seriesColumns}, local_day_number HAVING SUM(received) <> 0 OR SUM(estimated) <> 0
                ORDER BY {counters.KeyList}
                """)}
            """);
        await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Binary COPY of the rows (and an <paramref name="extra"/> integer column, when given) into the session's
    /// staging table for <paramref name="table"/>; its name. COPY
    /// streams: the server parses rows while the client still writes them, with no per-column arrays to build
    /// first. The staging table is created once per physical connection (the pool keeps sessions, see
    /// <see cref="OpenAsync"/>) and emptied by every commit.
    /// </summary>
    private static async Task<string> StageAsync<T>(
        DbConnection connection, DbTransaction transaction, StoreTable<T> table, IReadOnlyCollection<T> rows, CancellationToken ct,
        (string Name, Func<T, int> Value)? extra = null)
    {
        var npgsql = (NpgsqlConnection)connection;
        var staging = extra is { } added ? $"staging_{table.Name}_{added.Name}" : $"staging_{table.Name}";
        var extraColumn = extra is { } column ? $", {column.Name} integer" : "";
        await using (var create = connection.Command(transaction,
            $"CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {table.Name}{extraColumn}) ON COMMIT DELETE ROWS"))
        {
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var columns = table.Columns;
        var columnList = extra is { } named ? $"{table.ColumnList}, {named.Name}" : table.ColumnList;
        var import = await npgsql.BeginBinaryImportAsync($"COPY {staging} ({columnList}) FROM STDIN (FORMAT BINARY)", ct)
            .ConfigureAwait(false);
        await using (import.ConfigureAwait(false))
        {
            foreach (var row in rows)
            {
                import.StartRow();
                var values = table.ToValues(row);
                for (var index = 0; index < values.Length; index++)
                {
                    Write(import, values[index], columns[index].Type);
                }

                if (extra is { } value)
                {
                    import.Write(value.Value(row), NpgsqlDbType.Integer);
                }
            }

            await import.CompleteAsync(ct).ConfigureAwait(false);
        }

        return staging;
    }

    private static void Write(NpgsqlBinaryImporter import, object? value, ColumnType type)
    {
        switch (value)
        {
            case null:
                import.WriteNull();
                break;
            case string text:
                import.Write(text, NpgsqlDbType.Text);
                break;
            case int number:
                import.Write(number, NpgsqlDbType.Integer);
                break;
            case long number:
                import.Write(number, NpgsqlDbType.Bigint);
                break;
            case decimal number:
                import.Write(number, NpgsqlDbType.Numeric);
                break;
            case DateTime instant:
                import.Write(UtcTime.Normalize(instant), NpgsqlDbType.TimestampTz);
                break;
            default:
                throw new ArgumentException($"No PostgreSQL binding for a {value.GetType().Name} in a {type} column.", nameof(value));
        }
    }

    // Conflicts with the row-exclusive lock of the consumers' counter upserts, not with readers.
    protected override string? CompletenessLockSql => "LOCK TABLE interval_completeness IN SHARE ROW EXCLUSIVE MODE";

    protected override string IsOneOfSql(string column, string parameter) => $"{column} = ANY({parameter})";

    protected override object ListParameterValue(IReadOnlyCollection<string> values) => values.ToArray();

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
