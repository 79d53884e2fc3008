using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using OpowerStream.Storage.Relational;

namespace OpowerStream.Storage.Postgres;

/// <summary>
/// The scale-out store: a PostgreSQL database through a pooled Npgsql data source. Rows are
/// sent as one array per column and merged with one set-based upsert.
/// </summary>
internal sealed class PostgresPipelineStore : RelationalPipelineStore
{
    private readonly NpgsqlDataSource dataSource;

    private PostgresPipelineStore(NpgsqlDataSource dataSource)
        : base(PostgresColumnValues.Instance)
    {
        this.dataSource = dataSource;
    }

    public static async Task<IPipelineStore> OpenAsync(string connectionString, CancellationToken ct)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await SchemaMigrator.MigrateAsync(connection, PostgresSchema.Dialect, PostgresSchema.Migrations, ct)
                    .ConfigureAwait(false);
            }

            return new PostgresPipelineStore(dataSource);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct) =>
        await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

    /// <summary>
    /// One statement and one round trip per table and batch: each column travels as one binary array
    /// parameter, <c>unnest</c> turns them back into rows, and one set-based upsert merges them. No
    /// staging table is created and dropped per batch (catalog writes and invalidations each time).
    /// </summary>
    protected override async Task WriteRowsAsync<T>(
        DbConnection connection, DbTransaction transaction, StoreTable<T> table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        var columns = table.Columns;
        var arrays = columns.Select(column => PostgresColumnValues.NewArray(column.Type, rows.Count)).ToArray();
        var rowIndex = 0;
        foreach (var row in rows)
        {
            var values = table.ToValues(row);
            for (var index = 0; index < values.Length; index++)
            {
                arrays[index].SetValue(PostgresColumnValues.Instance.ToElement(values[index], columns[index].Type), rowIndex);
            }

            rowIndex++;
        }

        var parameters = string.Join(", ", columns.Select((_, index) => $"@c{index}"));
        // Key order keeps row locks in one order across concurrent writers (no deadlock cycles).
        var command = connection.Command(transaction, table.InsertSql(
            $"SELECT {table.ColumnList} FROM unnest({parameters}) AS source ({table.ColumnList}) ORDER BY {table.KeyList}"));
        await using (command.ConfigureAwait(false))
        {
            for (var index = 0; index < columns.Count; index++)
            {
                command.Parameters.Add(new NpgsqlParameter($"@c{index}", NpgsqlDbType.Array | PostgresColumnValues.DbTypeOf(columns[index].Type))
                {
                    Value = arrays[index],
                });
            }

            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    protected override string IsOneOfSql(string column, string parameter) => $"{column} = ANY({parameter})";

    protected override object ListParameterValue(IReadOnlyCollection<string> values) => values.ToArray();

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
