using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OpowerStream.Storage.Relational;

namespace OpowerStream.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, which several processes may write at once
/// (writers queue on the file lock for up to the busy timeout, then the caller gets the error).
/// </summary>
internal sealed class SqlitePipelineStore : RelationalPipelineStore
{
    private const int BusyTimeoutSeconds = 30;

    private readonly string connectionString;

    private SqlitePipelineStore(string connectionString)
        : base(SqliteColumnValues.Instance)
    {
        this.connectionString = connectionString;
    }

    public static async Task<IPipelineStore> OpenAsync(string path, CancellationToken ct)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var store = new SqlitePipelineStore(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString());

        var connection = await store.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // WAL is a property of the file: readers never block the writer, and it survives reopening.
            await connection.ExecuteAsync(transaction: null, "PRAGMA journal_mode = WAL", ct).ConfigureAwait(false);
            await SchemaMigrator.MigrateAsync(connection, SqliteSchema.Dialect, SqliteSchema.Migrations, ct).ConfigureAwait(false);
        }

        return store;
    }

    protected override string ForUpdateSuffix => string.Empty; // SQLite's write transaction already excludes other writers.

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

    /// <summary>One prepared statement, re-bound for every row, inside the caller's transaction.</summary>
    protected override async Task WriteRowsAsync<T>(
        DbConnection connection, DbTransaction transaction, StoreTable<T> table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        var columns = table.Columns;
        var placeholders = string.Join(", ", columns.Select((_, index) => $"@p{index}"));
        var command = connection.Command(transaction, table.InsertSql($"VALUES ({placeholders})"));
        await using (command.ConfigureAwait(false))
        {
            var parameters = columns.Select((_, index) => command.With($"@p{index}", null).Parameters[index]).ToArray();
            await command.PrepareAsync(ct).ConfigureAwait(false);
            foreach (var row in rows)
            {
                var values = table.ToValues(row);
                for (var index = 0; index < parameters.Length; index++)
                {
                    parameters[index].Value = SqliteColumnValues.Instance.ToParameter(values[index], columns[index].Type);
                }

                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
    }

    protected override string IsOneOfSql(string column, string parameter) =>
        $"{column} IN (SELECT value FROM json_each({parameter}))";

    protected override object ListParameterValue(IReadOnlyCollection<string> values) => JsonSerializer.Serialize(values);

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
