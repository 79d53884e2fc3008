using System.Text.Json;
using Npgsql;
using OpowerStream.Domain;
using OpowerStream.Storage.Postgres;
using OpowerStream.Storage.Relational;
using OpowerStream.Testing;

namespace OpowerStream.Storage.Tests;

/// <summary>
/// Schema version 7 on PostgreSQL: the interval table is range-partitioned by the month (UTC) of the interval end,
/// its partitions created as rows arrive; an old month can be detached; a batch touches only its months. Version 8:
/// rows name their series by an id into <c>interval_series</c>.
/// </summary>
public sealed class PostgresPartitionTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const string File = "opwr_gec_v2-0-5_interval60_20260301060000.gz";
    private const long FileTimestamp = 20260301060000;
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly DateTime FirstDay = new(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    // One meter's noon reading of every day from January 2025 to January 2026: 13 months, 396 days.
    private static readonly IReadOnlyList<IntervalRead> ThirteenMonths =
        [.. Enumerable.Range(0, 396).Select(day => Read(FirstDay.AddDays(day), line: day + 2))];

    private string connectionString = null!;
    private IPipelineStore store = null!;

    public async Task InitializeAsync()
    {
        connectionString = await postgres.CreateDatabaseAsync(nameof(PostgresPartitionTests));
        store = await PipelineStores.OpenAsync(new StoreLocation(StoreKind.Postgres, connectionString), NewYork, CancellationToken.None);
    }

    public async Task DisposeAsync() => await store.DisposeAsync();

    [Fact]
    public async Task Thirteen_months_of_intervals_are_thirteen_monthly_partitions_each_holding_its_month()
    {
        // Batches of 50 days: most span two months, so a batch creates what it needs, some of it already there.
        foreach (var batch in ThirteenMonths.Chunk(50))
        {
            await ApplyAsync(batch);
        }

        var partitions = await QueryAsync(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), (SELECT count(*) FROM intervals i WHERE i.tableoid = c.oid)
            FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'intervals'::regclass ORDER BY c.relname
            """,
            row => (Name: row.GetString(0), Bound: row.GetString(1), Rows: row.GetInt64(2)));

        Assert.Equal(13, partitions.Count);
        Assert.Equal("intervals_2025_01", partitions[0].Name);
        Assert.Equal("FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2025-02-01 00:00:00+00')", partitions[0].Bound);
        Assert.Equal("intervals_2026_01", partitions[12].Name);
        Assert.Equal(
            ThirteenMonths.GroupBy(row => $"intervals_{row.IntervalEndUtc:yyyy_MM}").Select(month => (month.Key, (long)month.Count())),
            partitions.Select(partition => (partition.Name, partition.Rows)));
        Assert.Equal(ThirteenMonths, await store.ReadIntervalsAsync(CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task Two_consumers_reaching_the_same_new_months_at_once_create_each_month_once()
    {
        await using var other = await PipelineStores.OpenAsync(new StoreLocation(StoreKind.Postgres, connectionString), NewYork, CancellationToken.None);
        var secondMeter = ThirteenMonths.Select(row => row with { ServicePointId = "SP2" }).ToList();

        // Each consumer its own meter and its own connection pool, in small batches: both reach every month together.
        await Task.WhenAll(ApplyInBatchesAsync(store, ThirteenMonths), ApplyInBatchesAsync(other, secondMeter));

        Assert.Equal(13, Assert.Single(await QueryAsync(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'intervals'::regclass", row => row.GetInt64(0))));
        Assert.Equal([.. ThirteenMonths, .. secondMeter], await store.ReadIntervalsAsync(CancellationToken.None).ToListAsync());

        static Task ApplyInBatchesAsync(IPipelineStore consumer, IReadOnlyList<IntervalRead> rows) => Task.Run(async () =>
        {
            foreach (var batch in rows.Chunk(10))
            {
                await consumer.ApplyIntervalsAsync(Batch(batch), CancellationToken.None);
            }
        });
    }

    [Fact]
    public async Task An_old_month_can_be_detached_and_the_store_keeps_applying_and_reading_the_others()
    {
        await ApplyAsync(ThirteenMonths);

        // The operator's SQL (README): detach the oldest month without blocking the consumers, keep it under another name.
        await ExecuteAsync("ALTER TABLE intervals DETACH PARTITION intervals_2025_01 CONCURRENTLY");
        await ExecuteAsync("ALTER TABLE intervals_2025_01 RENAME TO intervals_archive_2025_01");

        var corrected = ThirteenMonths[^1] with { UsageValue = 9m, Sequence = new SourceSequence(FileTimestamp + 1, File, 2) };
        var february = Read(new DateTime(2026, 2, 1, 12, 0, 0, DateTimeKind.Utc), line: 500);
        await ApplyAsync([corrected, february]);

        var stored = await store.ReadIntervalsAsync(CancellationToken.None).ToListAsync();
        Assert.Equal([.. ThirteenMonths.Skip(31).SkipLast(1), corrected, february], stored);
        Assert.Equal(31, Assert.Single(await QueryAsync("SELECT count(*) FROM intervals_archive_2025_01", row => row.GetInt64(0))));
        // Completeness is kept apart from the intervals: the detached month's days still count.
        var january = await store.ReadDayCountsAsync(new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 31), CancellationToken.None).ToListAsync();
        Assert.Equal(31, january.Count);

        // A late read of the detached month gets a new, empty partition.
        await ApplyAsync([ThirteenMonths[0] with { Sequence = new SourceSequence(FileTimestamp + 1, File, 2) }]);
        Assert.Equal(1, Assert.Single(await QueryAsync("SELECT count(*) FROM intervals_2025_01", row => row.GetInt64(0))));
    }

    [Fact]
    public async Task A_batch_reads_and_writes_only_the_partitions_of_its_months()
    {
        await ApplyAsync(ThirteenMonths);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(transaction, "CREATE TEMP TABLE staged_june (LIKE intervals) ON COMMIT DROP", CancellationToken.None);
        var columns = PostgresIntervalSql.StoredColumnList;
        // June's days re-sent by a later file: stored keys, so the store's second statement upserts them.
        await connection.ExecuteAsync(transaction, $"""
            INSERT INTO staged_june ({columns})
            SELECT {columns.Replace("seq_file_timestamp", "seq_file_timestamp + 1", StringComparison.Ordinal)}
            FROM intervals WHERE interval_end_utc >= '2025-06-01 00:00:00+00' AND interval_end_utc < '2025-07-01 00:00:00+00'
            """, CancellationToken.None);
        await connection.ExecuteAsync(
            transaction,
            PostgresIntervalSql.InsertSql($"SELECT {columns} FROM staged_june ORDER BY {PostgresIntervalSql.StoredKeyList}", newKeysOnly: true),
            CancellationToken.None);

        string plan;
        await using (var explain = connection.Command(transaction, $"EXPLAIN (ANALYZE, FORMAT JSON) {PostgresIntervalSql.KeysStoredBeforeSql("staged_june")}"))
        {
            plan = (string)(await explain.ExecuteScalarAsync())!;
        }

        // Every partition is in the plan (the key is only known per row), but only June's is ever scanned: run-time pruning.
        var scanned = ScannedRelations(JsonDocument.Parse(plan).RootElement);
        Assert.Contains(("intervals_2025_07", 0L), scanned);
        Assert.Equal(["intervals_2025_06"], scanned.Where(scan => scan.Loops > 0).Select(scan => scan.Relation).Distinct());
        // And the writes: the only interval partition this transaction locked for writing is June's (planning a read
        // of the parent takes a share lock on every partition).
        await using var locks = connection.Command(transaction, """
            SELECT DISTINCT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE l.pid = pg_backend_pid() AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r' AND c.relname LIKE 'intervals\_%'
            """);
        var locked = new List<string>();
        await using (var reader = await locks.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                locked.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["intervals_2025_06"], locked);
    }

    [Fact]
    public async Task A_store_from_before_version_7_keeps_its_intervals_in_monthly_partitions()
    {
        var location = new StoreLocation(StoreKind.Postgres, await postgres.CreateDatabaseAsync(nameof(PostgresPartitionTests) + "_v6"));
        var rows = ThirteenMonths.Take(70).ToList();
        await using (var connection = new NpgsqlConnection(location.Target))
        {
            await connection.OpenAsync();
            await SchemaMigrator.MigrateAsync(
                connection, PostgresSchema.Dialect, [.. PostgresSchema.Migrations.Where(migration => migration.Version <= 6)], CancellationToken.None);
            var table = Tables.Intervals;
            foreach (var row in rows)
            {
                var values = table.ToValues(row);
                await using var insert = connection.Command(null,
                    $"INSERT INTO intervals ({table.ColumnList}) VALUES ({string.Join(", ", values.Select((_, index) => $"@p{index}"))})");
                for (var index = 0; index < values.Length; index++)
                {
                    insert.With($"@p{index}", PostgresColumnValues.Instance.ToParameter(values[index], table.Columns[index].Type));
                }

                await insert.ExecuteNonQueryAsync();
            }
        }

        await using var migrated = await PipelineStores.OpenAsync(location, NewYork, CancellationToken.None);

        Assert.Equal(rows, await migrated.ReadIntervalsAsync(CancellationToken.None).ToListAsync());
        await using var check = new NpgsqlConnection(location.Target);
        await check.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_inherits WHERE inhparent = 'intervals'::regclass", check);
        Assert.Equal(3L, await count.ExecuteScalarAsync());
        // The store counted them once when opened, and goes on applying into the converted table.
        Assert.Equal(70, (await migrated.ReadDayCountsAsync(null, null, CancellationToken.None).ToListAsync()).Sum(day => day.Received));
        await migrated.ApplyIntervalsAsync(Batch([ThirteenMonths[70]]), CancellationToken.None);
        Assert.Equal(71, (await migrated.ReadIntervalsAsync(CancellationToken.None).ToListAsync()).Count);
    }

    [Fact]
    public async Task Each_series_is_stored_once_and_its_intervals_refer_to_it_by_id_never_ordered_by_it()
    {
        // The second meter arrives first, so it is numbered first; reads still order by the series' names.
        var secondMeter = ThirteenMonths.Take(40).Select(row => row with { ServicePointId = "SP2", Units = "KVARH" }).ToList();
        await ApplyAsync(secondMeter);
        await ApplyAsync(ThirteenMonths);

        Assert.Equal(
            [(1, "SP2", "KVARH"), (2, "SP1", "KWH")],
            await QueryAsync("SELECT id, service_point_id, units FROM interval_series ORDER BY id", row => (row.GetInt32(0), row.GetString(1), row.GetString(2))));
        Assert.Equal(
            PostgresIntervalSql.StoredColumnList.Split(", ").Order(StringComparer.Ordinal),
            await QueryAsync(
                "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'intervals' ORDER BY column_name::text COLLATE \"C\"",
                row => row.GetString(0)));
        Assert.Equal(
            ["series_id", "interval_end_utc"],
            await QueryAsync(
                """
                SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = 'intervals'::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)
                """,
                row => row.GetString(0)));
        Assert.Equal([.. ThirteenMonths, .. secondMeter], await store.ReadIntervalsAsync(CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task Two_consumers_numbering_the_same_new_series_at_once_give_it_one_id_and_count_each_interval_once()
    {
        await using var other = await PipelineStores.OpenAsync(new StoreLocation(StoreKind.Postgres, connectionString), NewYork, CancellationToken.None);

        // A rebalance can hand one meter's rows to two consumers: each numbers the series it has not seen in its batch.
        await Task.WhenAll(ApplyInBatchesAsync(store), ApplyInBatchesAsync(other));

        Assert.Equal(1, Assert.Single(await QueryAsync("SELECT count(*) FROM interval_series", row => row.GetInt64(0))));
        Assert.Equal(ThirteenMonths, await store.ReadIntervalsAsync(CancellationToken.None).ToListAsync());
        Assert.Equal(ThirteenMonths.Count, (await store.ReadDayCountsAsync(null, null, CancellationToken.None).ToListAsync()).Sum(day => day.Received));

        static Task ApplyInBatchesAsync(IPipelineStore consumer) => Task.Run(async () =>
        {
            foreach (var batch in ThirteenMonths.Chunk(25))
            {
                await consumer.ApplyIntervalsAsync(Batch(batch), CancellationToken.None);
            }
        });
    }

    [Fact]
    public async Task A_store_of_version_7_keeps_its_intervals_with_each_series_numbered_once_and_its_detached_months()
    {
        var location = new StoreLocation(StoreKind.Postgres, await postgres.CreateDatabaseAsync(nameof(PostgresPartitionTests) + "_v7"));
        var rows = ThirteenMonths.Take(100).Concat(ThirteenMonths.Take(70).Select(row => row with { ServiceQuantityIdentifier = "GENERATED" })).ToList();
        await using (var connection = new NpgsqlConnection(location.Target))
        {
            await connection.OpenAsync();
            await SchemaMigrator.MigrateAsync(
                connection, PostgresSchema.Dialect, [.. PostgresSchema.Migrations.Where(migration => migration.Version <= 7)], CancellationToken.None);
            await connection.ExecuteAsync(null, $"INSERT INTO source_files (name) VALUES ('{File}')", CancellationToken.None);
            await using (var months = connection.Command(null, "SELECT ensure_interval_partitions(@instants)")
                .With("@instants", rows.Select(row => row.IntervalEndUtc).ToArray()))
            {
                await months.ExecuteNonQueryAsync();
            }

            foreach (var row in rows)
            {
                // Version 7's columns: the series as text, the file by id.
                await using var insert = connection.Command(null, """
                    INSERT INTO intervals (interval_end_utc, seq_file_timestamp, seq_line, interval_minutes, seq_generation, seq_file_id,
                        service_point_id, service_quantity_identifier, units, usage_value, is_estimate, service_type)
                    VALUES (@end, @timestamp, @line, @minutes, 1, 1, @point, @quantity, @units, @value, @estimate, @type)
                    """)
                    .With("@end", row.IntervalEndUtc).With("@timestamp", row.Sequence.FileTimestamp).With("@line", row.Sequence.Line)
                    .With("@minutes", row.IntervalMinutes).With("@point", row.ServicePointId).With("@quantity", row.ServiceQuantityIdentifier)
                    .With("@units", row.Units).With("@value", row.UsageValue).With("@estimate", row.IsEstimate.ToString()).With("@type", row.ServiceType);
                await insert.ExecuteNonQueryAsync();
            }

            await connection.ExecuteAsync(null, "ALTER TABLE intervals DETACH PARTITION intervals_2025_01", CancellationToken.None);
            await connection.ExecuteAsync(null, "ALTER TABLE intervals_2025_01 RENAME TO intervals_archive_2025_01", CancellationToken.None);
        }

        await using var migrated = await PipelineStores.OpenAsync(location, NewYork, CancellationToken.None);

        var attached = rows.Where(row => row.IntervalEndUtc.Month != 1 || row.IntervalEndUtc.Year != 2025).ToList();
        Assert.Equal(
            attached.OrderBy(row => row.ServiceQuantityIdentifier, StringComparer.Ordinal).ThenBy(row => row.IntervalEndUtc),
            await migrated.ReadIntervalsAsync(CancellationToken.None).ToListAsync());
        await using var check = new NpgsqlConnection(location.Target);
        await check.OpenAsync();
        async Task<List<string>> NamesAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, check);
            await using var reader = await command.ExecuteReaderAsync();
            var names = new List<string>();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }

            return names;
        }

        Assert.Equal(["CONSUMED", "GENERATED"], await NamesAsync("SELECT service_quantity_identifier FROM interval_series ORDER BY 1"));
        Assert.Equal(
            ["intervals_2025_02", "intervals_2025_03", "intervals_2025_04"],
            await NamesAsync("SELECT c.relname::text FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'intervals'::regclass ORDER BY 1"));
        // The detached month keeps its rows in version 7's layout; nothing of the old table is left.
        Assert.Equal(["intervals_archive_2025_01"], await NamesAsync("SELECT relname::text FROM pg_class WHERE relname LIKE 'intervals%' AND relkind = 'r' AND relispartition = false"));
        Assert.Equal(["service_point_id"], await NamesAsync("SELECT column_name::text FROM information_schema.columns WHERE table_name = 'intervals_archive_2025_01' AND column_name = 'service_point_id'"));
        Assert.Empty(await NamesAsync("SELECT relname::text FROM pg_class WHERE relname LIKE '%\\_v7%'"));
        // Rows stored without counters (written here by SQL) are counted once when the store opens, through the series ids.
        Assert.Equal(attached.Count, (await migrated.ReadDayCountsAsync(null, null, CancellationToken.None).ToListAsync()).Sum(day => day.Received));
        await migrated.ApplyIntervalsAsync(Batch([ThirteenMonths[100]]), CancellationToken.None);
        Assert.Equal(attached.Count + 1, (await migrated.ReadIntervalsAsync(CancellationToken.None).ToListAsync()).Count);
    }

    private static List<(string Relation, long Loops)> ScannedRelations(JsonElement node)
    {
        var found = new List<(string, long)>();
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
            {
                found.AddRange(ScannedRelations(item));
            }
        }
        else if (node.ValueKind == JsonValueKind.Object)
        {
            if (node.TryGetProperty("Relation Name", out var relation) && relation.GetString() is { } name && name.StartsWith("intervals_", StringComparison.Ordinal))
            {
                found.Add((name, node.GetProperty("Actual Loops").GetInt64()));
            }

            foreach (var property in node.EnumerateObject())
            {
                found.AddRange(ScannedRelations(property.Value));
            }
        }

        return found;
    }

    private Task ApplyAsync(IReadOnlyList<IntervalRead> rows) => store.ApplyIntervalsAsync(Batch(rows), CancellationToken.None);

    private static StoreBatch<IntervalRead> Batch(IReadOnlyList<IntervalRead> rows) =>
        new(rows, [], [.. rows.Select(row => new ProcessedRow(row.Sequence.SourceFile, 0, row.Sequence.Line, Rejected: false))]);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync(null, sql, CancellationToken.None);
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static IntervalRead Read(DateTime endUtc, long line) =>
        new("SP1", "CONSUMED", "KWH", 60, endUtc, 1.5m, 'A', "ELECTRIC", new SourceSequence(FileTimestamp, File, line));
}
