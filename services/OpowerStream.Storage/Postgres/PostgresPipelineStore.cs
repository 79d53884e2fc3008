using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using OpowerStream.Domain;
using OpowerStream.Domain.Completeness;
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
    /// The same upsert, returning the rows it wrote: <c>xmax = 0</c> marks a freshly inserted row version, and
    /// for a replaced one the main query reads the stored estimate flag, which it still sees as it was
    /// (a statement's parts share one snapshot; only RETURNING shows the CTE's writes). Only rows that change a
    /// count come back: new keys, and replaced ones whose flag moved to or from an estimate.
    /// </summary>
    protected override async Task<IReadOnlyList<AppliedInterval>> WriteIntervalsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<IntervalRead> rows, CancellationToken ct)
    {
        var table = Tables.Intervals;
        var staging = await StageAsync(connection, transaction, table, rows, ct).ConfigureAwait(false);
        var keys = string.Join(", ", table.Keys.Select(key => key.Name));
        var sameKey = string.Join(" AND ", table.Keys.Select(key => $"stored.{key.Name} = written.{key.Name}"));
        await using var upsert = connection.Command(transaction, $"""
            WITH written AS (
                {table.InsertSql($"SELECT {table.ColumnList} FROM {staging} ORDER BY {table.KeyList}")}
                RETURNING {keys}, is_estimate = 'E' AS is_estimate, xmax = 0 AS inserted
            ), previous AS (
                SELECT written.*, CASE WHEN inserted THEN false
                    ELSE (SELECT stored.is_estimate = 'E' FROM {table.Name} stored WHERE {sameKey}) END AS was_estimate
                FROM written
            )
            SELECT {keys}, is_estimate, inserted, COALESCE(was_estimate, false) FROM previous
            WHERE inserted OR is_estimate <> COALESCE(was_estimate, false)
            """);
        var applied = new List<AppliedInterval>();
        var reader = await upsert.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                applied.Add(new AppliedInterval(
                    new IntervalSeries(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)),
                    reader.GetFieldValue<DateTime>(4), reader.GetBoolean(5), reader.GetBoolean(6), reader.GetBoolean(7)));
            }
        }

        return applied;
    }

    /// <summary>
    /// Binary COPY of the rows into the session's staging table for <paramref name="table"/>; its name. COPY
    /// streams: the server parses rows while the client still writes them, with no per-column arrays to build
    /// first. The staging table is created once per physical connection (the pool keeps sessions, see
    /// <see cref="OpenAsync"/>) and emptied by every commit.
    /// </summary>
    private static async Task<string> StageAsync<T>(
        DbConnection connection, DbTransaction transaction, StoreTable<T> table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        var npgsql = (NpgsqlConnection)connection;
        var staging = $"staging_{table.Name}";
        await using (var create = connection.Command(transaction,
            $"CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {table.Name}) ON COMMIT DELETE ROWS"))
        {
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var columns = table.Columns;
        var import = await npgsql.BeginBinaryImportAsync($"COPY {staging} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", ct)
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
