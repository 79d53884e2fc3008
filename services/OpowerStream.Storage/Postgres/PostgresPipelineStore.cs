using System.Collections.Concurrent;
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

    // Source file names and their ids in source_files, as this process has numbered or read them.
    private readonly ConcurrentDictionary<string, int> fileIds = new(StringComparer.Ordinal);

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
    /// Like SQLite: the rows staged (<see cref="StageAsync"/>, each series and file as its id) and counted as a first
    /// load counts them, every one a new key, and written by an insert that ignores conflicts, which on a first load
    /// costs what the upsert costs and says how many it inserted. Only when that is fewer than staged does
    /// <see cref="PostgresIntervalSql.KeysStoredBeforeSql"/> upsert the rest and stream back what corrects the count.
    /// </summary>
    protected override async Task WriteCountedIntervalsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<IntervalRead> rows, CancellationToken ct)
    {
        await AttachMonthsAsync(connection, transaction, rows, ct).ConfigureAwait(false);
        await NumberNewFilesAsync(rows, ct).ConfigureAwait(false);
        var seriesIds = await NumberSeriesAsync(connection, transaction, rows, ct).ConfigureAwait(false);
        var staging = await StageAsync(connection, transaction, Tables.Intervals, rows, ct,
            (PostgresIntervalSql.StoredColumnList, row => PostgresIntervalSql.StoredValues(
                row, seriesIds[SeriesOf(row)], fileIds[row.Sequence.SourceFile]))).ConfigureAwait(false);
        var deltas = new CompletenessDeltas(UtilityTimeZone);
        foreach (var row in rows)
        {
            deltas.Add(AppliedInterval.Of(row, inserted: true, wasEstimate: false));
        }

        int inserted;
        await using (var insertNew = connection.Command(transaction, PostgresIntervalSql.InsertSql(
            $"SELECT {PostgresIntervalSql.StoredColumnList} FROM {staging} ORDER BY {PostgresIntervalSql.StoredKeyList}", newKeysOnly: true)))
        {
            inserted = await insertNew.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        if (inserted < rows.Count)
        {
            var seriesById = seriesIds.ToDictionary(pair => pair.Value, pair => pair.Key);
            await using var upsert = connection.Command(transaction, PostgresIntervalSql.KeysStoredBeforeSql(staging));
            var reader = await upsert.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var assumed = new AppliedInterval(
                        seriesById[reader.GetInt32(0)], reader.GetFieldValue<DateTime>(1), reader.GetBoolean(2), Inserted: true, WasEstimate: false);
                    deltas.Withdraw(assumed);
                    if (reader.GetBoolean(3))
                    {
                        deltas.Add(assumed with { Inserted = false, WasEstimate = reader.GetBoolean(4) });
                    }
                }
            }
        }

        await AddDayCountsAsync(connection, transaction, deltas.ToList(), ct).ConfigureAwait(false);
    }

    private static IntervalSeries SeriesOf(IntervalRead row) =>
        new(row.ServicePointId, row.ServiceQuantityIdentifier, row.Units, row.IntervalMinutes);

    /// <summary>
    /// The ids in <c>interval_series</c> of the rows' series (schema version 8), numbering those seen for the first
    /// time. Looked up per batch rather than remembered: a utility has millions of series, and a batch only a few.
    /// </summary>
    private static async Task<Dictionary<IntervalSeries, int>> NumberSeriesAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<IntervalRead> rows, CancellationToken ct)
    {
        var series = rows.Select(SeriesOf).Distinct().ToList();
        await using (var number = connection.Command(transaction, PostgresIntervalSql.NumberSeriesSql).WithSeries(series))
        {
            await number.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var ids = new Dictionary<IntervalSeries, int>(series.Count);
        await using var select = connection.Command(transaction, PostgresIntervalSql.SeriesIdsSql).WithSeries(series);
        var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                ids[new IntervalSeries(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4))] = reader.GetInt32(0);
            }
        }

        return ids;
    }

    /// <summary>
    /// Makes sure the interval table has a partition for every month (UTC) <paramref name="rows"/> end in (schema
    /// version 7): a catalog lookup per month, and a new partition the first time a month arrives.
    /// </summary>
    private static async Task AttachMonthsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<IntervalRead> rows, CancellationToken ct)
    {
        var months = rows
            .Select(row => UtcTime.Normalize(row.IntervalEndUtc))
            .Select(end => new DateTime(end.Year, end.Month, 1, 0, 0, 0, DateTimeKind.Utc))
            .Distinct()
            .ToArray();
        await using var ensure = connection.Command(transaction, "SELECT ensure_interval_partitions(@months)").With("@months", months);
        await ensure.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives the rows' source files not seen yet by this process their ids in <c>source_files</c>, and remembers
    /// them: names are numbered in a transaction of their own, so no id is remembered for a name whose batch then
    /// rolled back (a name, once numbered, is never removed).
    /// </summary>
    private async Task NumberNewFilesAsync(IReadOnlyCollection<IntervalRead> rows, CancellationToken ct)
    {
        var names = rows.Select(row => row.Sequence.SourceFile).Where(name => !fileIds.ContainsKey(name)).Distinct(StringComparer.Ordinal).ToArray();
        if (names.Length == 0)
        {
            return;
        }

        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using (var insert = connection.Command(transaction: null,
                "INSERT INTO source_files (name) SELECT name FROM unnest(@names) AS name ORDER BY name ON CONFLICT (name) DO NOTHING")
                .With("@names", names))
            {
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await using var select = connection.Command(transaction: null, "SELECT name, id FROM source_files WHERE name = ANY(@names)").With("@names", names);
            var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    fileIds[reader.GetString(0)] = reader.GetInt32(1);
                }
            }
        }
    }

    /// <summary>
    /// Binary COPY of the rows (as <paramref name="stored"/> gives their columns and values, when the table stores
    /// them otherwise than <paramref name="table"/> maps them) into the session's staging table for
    /// <paramref name="table"/>; its name. COPY
    /// streams: the server parses rows while the client still writes them, with no per-column arrays to build
    /// first. The staging table is created once per physical connection (the pool keeps sessions, see
    /// <see cref="OpenAsync"/>) and emptied by every commit.
    /// </summary>
    private static async Task<string> StageAsync<T>(
        DbConnection connection, DbTransaction transaction, StoreTable<T> table, IReadOnlyCollection<T> rows, CancellationToken ct,
        (string ColumnList, Func<T, object?[]> Values)? stored = null)
    {
        var npgsql = (NpgsqlConnection)connection;
        var staging = $"staging_{table.Name}";
        await using (var create = connection.Command(transaction,
            $"CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {table.Name}) ON COMMIT DELETE ROWS"))
        {
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var import = await npgsql.BeginBinaryImportAsync($"COPY {staging} ({stored?.ColumnList ?? table.ColumnList}) FROM STDIN (FORMAT BINARY)", ct)
            .ConfigureAwait(false);
        await using (import.ConfigureAwait(false))
        {
            foreach (var row in rows)
            {
                import.StartRow();
                var values = stored is { } mapped ? mapped.Values(row) : table.ToValues(row);
                for (var index = 0; index < values.Length; index++)
                {
                    Write(import, values[index], table.Name);
                }
            }

            await import.CompleteAsync(ct).ConfigureAwait(false);
        }

        return staging;
    }

    private static void Write(NpgsqlBinaryImporter import, object? value, string tableName)
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
                throw new ArgumentException($"No PostgreSQL binding for a {value.GetType().Name} in table {tableName}.", nameof(value));
        }
    }

    protected override string IntervalsSelectSql => PostgresIntervalSql.SelectAllSql;

    // Conflicts with the row-exclusive lock of the consumers' counter upserts, not with readers.
    protected override string? CompletenessLockSql => "LOCK TABLE interval_completeness IN SHARE ROW EXCLUSIVE MODE";

    protected override string IsOneOfSql(string column, string parameter) => $"{column} = ANY({parameter})";

    protected override object ListParameterValue(IReadOnlyCollection<string> values) => values.ToArray();

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
