using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OpowerStream.Domain;
using OpowerStream.Storage.Batching;
using OpowerStream.Storage.Relational;
using SQLitePCL;

namespace OpowerStream.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, which several processes may write at once
/// (writers queue on the file lock for up to the busy timeout, then the caller gets the error).
/// </summary>
internal sealed class SqlitePipelineStore : RelationalPipelineStore
{
    private const int BusyTimeoutSeconds = 30;

    private readonly string connectionString;

    private SqlitePipelineStore(string connectionString, TimeZoneInfo utilityTimeZone)
        : base(SqliteColumnValues.Instance, utilityTimeZone)
    {
        this.connectionString = connectionString;
    }

    public static async Task<IPipelineStore> OpenAsync(string path, TimeZoneInfo utilityTimeZone, CancellationToken ct)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var store = new SqlitePipelineStore(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString(), utilityTimeZone);

        var connection = await store.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // WAL is a property of the file: readers never block the writer, and it survives reopening.
            await connection.ExecuteAsync(transaction: null, "PRAGMA journal_mode = WAL", ct).ConfigureAwait(false);
            await SchemaMigrator.MigrateAsync(connection, SqliteSchema.Dialect, SqliteSchema.Migrations, ct).ConfigureAwait(false);
        }

        await store.CountIntervalsStoredBeforeCompletenessAsync(ct).ConfigureAwait(false);
        return store;
    }

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await connection.ExecuteAsync(
                transaction: null,
                $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}; PRAGMA synchronous = NORMAL",
                ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// One statement prepared per call and stepped once per row through SQLite's own API, inside the
    /// caller's transaction: binding by position (text as UTF-16 spans, no managed copies) skips the
    /// ADO.NET command machinery (a data reader, a parameter-name lookup per value) that otherwise
    /// costs more per row than SQLite's upsert itself.
    /// </summary>
    protected override Task WriteRowsAsync<T>(
        DbConnection connection, DbTransaction transaction, StoreTable<T> table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        var database = ((SqliteConnection)connection).Handle!;
        using var insert = Prepare(database, table.InsertSql(ValuesOf(table.Columns)));
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            Execute(database, insert, table.ToValues(row), table.Columns);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A new key (the common case) costs what a plain upsert costs: the insert that ignores conflicts writes it.
    /// Only a stored key (a re-sent, corrected or replayed read) reads the stored estimate flag and then goes
    /// through the sequence-guarded upsert, whose change count says whether the guard let it in.
    /// </summary>
    protected override Task WriteCountedIntervalsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<IntervalRead> rows, CancellationToken ct)
    {
        var database = ((SqliteConnection)connection).Handle!;
        var table = Tables.Intervals;
        var keys = table.Keys;
        var deltas = new CompletenessDeltas(UtilityTimeZone);
        using var insertNew = Prepare(database, table.InsertSql(ValuesOf(table.Columns), ConflictRule.Ignore));
        using var readEstimate = Prepare(database,
            $"SELECT is_estimate FROM {table.Name} WHERE {string.Join(" AND ", keys.Select((key, index) => $"{key.Name} = ?{index + 1}"))}");
        using var upsert = Prepare(database, table.InsertSql(ValuesOf(table.Columns)));
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            var values = table.ToValues(row);
            if (Execute(database, insertNew, values, table.Columns) == 1)
            {
                deltas.Add(AppliedInterval.Of(row, inserted: true, wasEstimate: false));
                continue;
            }

            BindAll(database, readEstimate, values, keys);
            var wasEstimate = raw.sqlite3_step(readEstimate) == raw.SQLITE_ROW
                && AppliedInterval.IsEstimateFlag(raw.sqlite3_column_text(readEstimate, 0).utf8_to_string()[0]);
            Check(raw.sqlite3_reset(readEstimate), database);
            if (Execute(database, upsert, values, table.Columns) == 1)
            {
                deltas.Add(AppliedInterval.Of(row, inserted: false, wasEstimate));
            }
        }

        return AddDayCountsAsync(connection, transaction, deltas.ToList(), ct);
    }

    // A write transaction (BEGIN IMMEDIATE) holds the database's only write lock.
    protected override string? CompletenessLockSql => null;

    protected override string IsOneOfSql(string column, string parameter) =>
        $"{column} IN (SELECT value FROM json_each({parameter}))";

    protected override object ListParameterValue(IReadOnlyCollection<string> values) => JsonSerializer.Serialize(values);

    private static string ValuesOf(IReadOnlyList<Column> columns) =>
        $"VALUES ({string.Join(", ", columns.Select((_, index) => $"?{index + 1}"))})";

    private static sqlite3_stmt Prepare(sqlite3 database, string sql)
    {
        Check(raw.sqlite3_prepare_v2(database, sql, out var statement), database);
        return statement;
    }

    /// <summary>Binds the first values (as many as <paramref name="columns"/>) by position.</summary>
    private static void BindAll(sqlite3 database, sqlite3_stmt statement, object?[] values, IReadOnlyList<Column> columns)
    {
        for (var index = 0; index < columns.Count; index++)
        {
            Check(Bind(statement, index + 1, values[index], columns[index].Type), database);
        }
    }

    /// <summary>Runs a statement that returns no rows once with <paramref name="values"/>; the number of rows it changed.</summary>
    private static int Execute(sqlite3 database, sqlite3_stmt statement, object?[] values, IReadOnlyList<Column> columns)
    {
        BindAll(database, statement, values, columns);
        var result = raw.sqlite3_step(statement);
        if (result != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(result, database);
        }

        Check(raw.sqlite3_reset(statement), database);
        return raw.sqlite3_changes(database);
    }

    private static int Bind(sqlite3_stmt statement, int position, object? value, ColumnType type) => value switch
    {
        null => raw.sqlite3_bind_null(statement, position),
        string text => raw.sqlite3_bind_text16(statement, position, text.AsSpan()),
        int number => raw.sqlite3_bind_int64(statement, position, number),
        long number => raw.sqlite3_bind_int64(statement, position, number),
        decimal number when type == ColumnType.Numeric =>
            raw.sqlite3_bind_int64(statement, position, SqliteColumnValues.ToMicroUnits(number)),
        DateTime instant when type == ColumnType.Timestamp =>
            raw.sqlite3_bind_int64(statement, position, SqliteColumnValues.ToUnixMicroseconds(instant)),
        _ => throw new ArgumentException($"No SQLite binding for a {value.GetType().Name} in a {type} column.", nameof(value)),
    };

    private static void Check(int result, sqlite3 database)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, database);
        }
    }

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
