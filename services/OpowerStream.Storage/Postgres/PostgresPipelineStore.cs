using System.Data.Common;
using Npgsql;
using OpowerStream.Storage.Relational;

namespace OpowerStream.Storage.Postgres;

/// <summary>
/// The scale-out store: a PostgreSQL database through a pooled Npgsql data source. Rows are
/// binary-COPied into a temporary staging table, then merged with one set-based upsert.
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

    protected override string ForUpdateSuffix => " FOR UPDATE";

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct) =>
        await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

    protected override async Task WriteRowsAsync<T>(
        DbConnection connection, DbTransaction transaction, StoreTable<T> table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        var npgsql = (NpgsqlConnection)connection;
        var stage = table.Name + "_stage";
        await npgsql.ExecuteAsync(transaction, $"CREATE TEMP TABLE {stage} (LIKE {table.Name}) ON COMMIT DROP", ct)
            .ConfigureAwait(false);

        var columns = table.Columns;
        var dbTypes = columns.Select(column => PostgresColumnValues.DbTypeOf(column.Type)).ToArray();
        var importer = await npgsql
            .BeginBinaryImportAsync($"COPY {stage} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", ct)
            .ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var row in rows)
            {
                var values = table.ToValues(row);
                await importer.StartRowAsync(ct).ConfigureAwait(false);
                for (var index = 0; index < values.Length; index++)
                {
                    var value = PostgresColumnValues.Instance.ToParameter(values[index], columns[index].Type);
                    await importer.WriteAsync(value, dbTypes[index], ct).ConfigureAwait(false);
                }
            }

            await importer.CompleteAsync(ct).ConfigureAwait(false);
        }

        // Key order keeps row locks in one order across concurrent writers (no deadlock cycles).
        await npgsql.ExecuteAsync(
            transaction,
            table.InsertSql($"SELECT {table.ColumnList} FROM {stage} ORDER BY {table.KeyList}"),
            ct).ConfigureAwait(false);
    }

    protected override string IsOneOfSql(string column, string parameter) => $"{column} = ANY({parameter})";

    protected override object ListParameterValue(IReadOnlyCollection<string> values) => values.ToArray();

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
