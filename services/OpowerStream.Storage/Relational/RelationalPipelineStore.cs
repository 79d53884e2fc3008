using System.Data.Common;
using System.Runtime.CompilerServices;
using OpowerStream.Domain;
using OpowerStream.Domain.Completeness;
using OpowerStream.Domain.Rates;
using OpowerStream.Storage.Batching;

namespace OpowerStream.Storage.Relational;

/// <summary>
/// The store logic both databases share: batch planning, the reconciliation counters, the ledger
/// and every read. A subclass supplies connections, its value representation and the bulk write
/// of a table's rows (parameterized statements for SQLite, binary COPY for PostgreSQL).
/// </summary>
internal abstract class RelationalPipelineStore(IColumnValues columnValues, TimeZoneInfo utilityTimeZone) : IPipelineStore
{
    // A reject resolved by a redrive was counted as rejected when first consumed: it moves to applied.
    private const string FilesSql = """
        SELECT l.file_name, l.entity, l.status, l.rows_read,
               COALESCE(p.rows_valid, 0) + COALESCE(r.resolved, 0), COALESCE(p.rows_rejected, 0) - COALESCE(r.resolved, 0),
               l.refusal_reason, l.refusal_message, l.resends, l.same_content_as
        FROM file_ledger l
        LEFT JOIN (
            SELECT source_file, CAST(SUM(rows_valid) AS BIGINT) AS rows_valid,
                   CAST(SUM(rows_rejected) AS BIGINT) AS rows_rejected
            FROM file_progress GROUP BY source_file) p ON p.source_file = l.file_name
        LEFT JOIN (
            SELECT source_file, CAST(COUNT(*) AS BIGINT) AS resolved
            FROM rejects WHERE resolved_at IS NOT NULL GROUP BY source_file) r ON r.source_file = l.file_name
        ORDER BY l.file_name
        """;

    // Refused files are rejects too (line 0), so one listing shows everything that was not applied.
    private const string RejectsSql = """
        SELECT entity, source_file, line, file_timestamp, rule, field, message, raw_row, original_event, content_generation
        FROM rejects WHERE resolved_at IS NULL
        UNION ALL
        SELECT COALESCE(entity, @unknownEntity), file_name, 0, 0, COALESCE(refusal_reason, ''), NULL,
               COALESCE(refusal_message, refusal_reason, ''), '', NULL, content_generation
        FROM file_ledger WHERE status = @refused
        ORDER BY 1, 2, 3
        """;

    private const string ResolveRedrivenSql = """
        UPDATE rejects SET resolved_at = @at WHERE source_file = @file AND line = @line AND resolved_at IS NULL
        """;

    /// <summary>Opens a connection ready for use (pragmas set, pooled where the provider pools).</summary>
    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct);

    /// <summary>Inserts <paramref name="rows"/> (at most one per key) with the table's conflict rule.</summary>
    protected abstract Task WriteRowsAsync<T>(
        DbConnection connection, DbTransaction transaction, StoreTable<T> table, IReadOnlyCollection<T> rows, CancellationToken ct);

    /// <summary>
    /// Inserts interval reads (at most one per key) with the sequence guard and adds what the written ones change
    /// to the completeness counters (<see cref="CompletenessDeltas"/>), in the caller's transaction, from what the
    /// write itself tells (new key or replaced, the estimate flag replaced), never reading the intervals again.
    /// </summary>
    protected abstract Task WriteCountedIntervalsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<IntervalRead> rows, CancellationToken ct);

    /// <summary>Adds <paramref name="counts"/> to the completeness counters.</summary>
    protected Task AddDayCountsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<DayCount> counts, CancellationToken ct) =>
        WriteAsync(connection, transaction, Tables.IntervalCompleteness, counts, ct);

    /// <summary>
    /// The statement that keeps consumers from writing completeness counters until the transaction ends, or
    /// null where every write transaction already excludes the others (SQLite).
    /// </summary>
    protected abstract string? CompletenessLockSql { get; }

    /// <summary>A condition "<paramref name="column"/> is one of the list in <paramref name="parameter"/>".</summary>
    protected abstract string IsOneOfSql(string column, string parameter);

    /// <summary>The value of the list parameter used by <see cref="IsOneOfSql"/>.</summary>
    protected abstract object ListParameterValue(IReadOnlyCollection<string> values);

    public abstract ValueTask DisposeAsync();

    public TimeZoneInfo UtilityTimeZone { get; } = utilityTimeZone;

    public Task ApplyIntervalsAsync(StoreBatch<IntervalRead> batch, CancellationToken ct) =>
        ApplyAsync(batch, async (connection, transaction, token) =>
        {
            var rows = LatestByKey.Select(
                batch.Rows,
                row => (row.ServicePointId, row.ServiceQuantityIdentifier, row.Units, row.IntervalMinutes, row.IntervalEndUtc),
                row => row.Sequence);
            if (rows.Count == 0)
            {
                return;
            }

            await WriteCountedIntervalsAsync(connection, transaction, rows, token).ConfigureAwait(false);
        }, ct);

    public Task ApplyServiceQuantitiesAsync(StoreBatch<ServiceQuantity> batch, CancellationToken ct) =>
        ApplyAsync(batch, (connection, transaction, token) => WriteAsync(
            connection,
            transaction,
            Tables.ServiceQuantities,
            LatestByKey.Select(
                batch.Rows,
                row => (row.BillSegmentId, row.UnitOfMeasure, row.TimeOfUse, row.ServiceQuantityIdentifier),
                row => row.Sequence),
            token), ct);

    public Task ApplyRatesAsync(StoreBatch<RateRow> batch, CancellationToken ct) =>
        ApplyAsync(batch, (connection, transaction, token) => WriteRatesAsync(connection, transaction, batch.Rows, token), ct);

    public Task RecordFileAsync(FileLedgerEntry entry, CancellationToken ct) => RecordFileAsync(entry, dropProgress: false, ct);

    public Task RecordReplacedFileAsync(FileLedgerEntry entry, CancellationToken ct) => RecordFileAsync(entry, dropProgress: true, ct);

    public async Task<IReadOnlyList<FileLedgerEntry>> FindFilesAsync(string fileName, string sha256, CancellationToken ct)
    {
        var table = Tables.FileLedger;
        var files = new List<FileLedgerEntry>();
        var matching = ReadAsync(
            $"SELECT {table.ColumnList} FROM {table.Name} WHERE file_name = @name OR sha256 = @sha256 ORDER BY file_name",
            table.FromRow,
            [("@name", fileName), ("@sha256", sha256)],
            ct);
        await foreach (var file in matching.ConfigureAwait(false))
        {
            files.Add(file);
        }

        return files;
    }

    private Task RecordFileAsync(FileLedgerEntry entry, bool dropProgress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return InTransactionAsync(async (connection, transaction, token) =>
        {
            if (dropProgress)
            {
                foreach (var sql in (string[])["DELETE FROM file_progress WHERE source_file = @file", "DELETE FROM rejects WHERE source_file = @file"])
                {
                    await using var delete = connection.Command(transaction, sql).With("@file", entry.FileName);
                    await delete.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }
            }

            await WriteAsync(connection, transaction, Tables.FileLedger, [entry], token).ConfigureAwait(false);
        }, ct);
    }

    public async Task<IReadOnlyList<FileReconciliation>> GetFilesAsync(CancellationToken ct)
    {
        var files = new List<FileReconciliation>();
        await foreach (var file in ReadAsync(FilesSql, ReadReconciliation, [], ct).ConfigureAwait(false))
        {
            files.Add(file);
        }

        return files;
    }

    public async IAsyncEnumerable<RatePeriod> ReadRatePeriodsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        // Versions arrive ordered by agreement then date: each one ends where the next of its agreement starts.
        AgreementRateVersion? previous = null;
        var versions = ReadAsync(Tables.RateVersions.SelectAllSql, Tables.RateVersions.FromRow, [], ct);
        await foreach (var version in versions.ConfigureAwait(false))
        {
            if (previous is not null)
            {
                yield return PeriodOf(previous, version);
            }

            previous = version;
        }

        if (previous is not null)
        {
            yield return PeriodOf(previous, next: null);
        }
    }

    public IAsyncEnumerable<IntervalRead> ReadIntervalsAsync(CancellationToken ct) => ReadAsync(IntervalsSelectSql, Tables.Intervals.FromRow, [], ct);

    /// <summary>Every interval in <see cref="Tables.Intervals"/>' columns, in key order.</summary>
    protected virtual string IntervalsSelectSql => Tables.Intervals.SelectAllSql;

    public IAsyncEnumerable<DayCount> ReadDayCountsAsync(DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var table = Tables.IntervalCompleteness;
        var parameters = new List<(string Name, object Value)>();
        var conditions = new List<string>();
        if (from is { } first)
        {
            conditions.Add("local_date >= @from");
            parameters.Add(("@from", Tables.LocalDateText(first)));
        }

        if (to is { } last)
        {
            conditions.Add("local_date <= @to");
            parameters.Add(("@to", Tables.LocalDateText(last)));
        }

        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        return ReadAsync($"SELECT {table.ColumnList} FROM {table.Name}{where} ORDER BY {table.KeyList}", table.FromRow, parameters, ct);
    }

    /// <summary>
    /// Counts, once, the intervals of a store that held some before schema version 5: they have no counter, while
    /// since then every applied interval has one. Under the completeness lock, so a consumer's batch either
    /// committed before the scan (and is in it) or waits and counts its own intervals after it.
    /// </summary>
    protected Task CountIntervalsStoredBeforeCompletenessAsync(CancellationToken ct) =>
        InTransactionAsync(async (connection, transaction, token) =>
        {
            if (!await HasUncountedIntervalsAsync(connection, transaction, token).ConfigureAwait(false))
            {
                return;
            }

            if (CompletenessLockSql is { } lockSql)
            {
                await connection.ExecuteAsync(transaction, lockSql, token).ConfigureAwait(false);
                if (!await HasUncountedIntervalsAsync(connection, transaction, token).ConfigureAwait(false))
                {
                    return;
                }
            }

            var counted = new CompletenessDeltas(UtilityTimeZone);
            await using (var scan = connection.Command(transaction, IntervalsSelectSql))
            {
                await foreach (var row in ReadAsync(scan, Tables.Intervals.FromRow, token).ConfigureAwait(false))
                {
                    counted.Add(AppliedInterval.Of(row, inserted: true, wasEstimate: false));
                }
            }

            await AddDayCountsAsync(connection, transaction, counted.ToList(), token).ConfigureAwait(false);
        }, ct);

    public async Task<DayRange?> GetIntervalDaysAsync(CancellationToken ct)
    {
        DayRange? range = null;
        var rows = ReadAsync(
            "SELECT MIN(local_date), MAX(local_date) FROM interval_completeness",
            row => row.NullableText(0) is { } first ? new DayRange(Tables.LocalDate(first), Tables.LocalDate(row.Text(1))) : (DayRange?)null,
            [],
            ct);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            range = row;
        }

        return range;
    }

    public async Task<IReadOnlyList<IntervalSeries>> GetIntervalSeriesAsync(CancellationToken ct)
    {
        var series = new List<IntervalSeries>();
        var rows = ReadAsync(
            """
            SELECT DISTINCT service_point_id, service_quantity_identifier, units, interval_minutes FROM interval_completeness
            ORDER BY service_point_id, service_quantity_identifier, units, interval_minutes
            """,
            row => new IntervalSeries(row.Text(0), row.Text(1), row.Text(2), row.Int32(3)),
            [],
            ct);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            series.Add(row);
        }

        return series;
    }

    public IAsyncEnumerable<ServiceQuantity> ReadServiceQuantitiesAsync(CancellationToken ct) =>
        ReadAllAsync(Tables.ServiceQuantities, ct);

    public IAsyncEnumerable<RateAuditEntry> ReadRateAuditAsync(CancellationToken ct) => ReadAllAsync(Tables.RateAudit, ct);

    public IAsyncEnumerable<RejectRecord> ReadRejectsAsync(CancellationToken ct) =>
        ReadAsync(
            RejectsSql,
            Tables.Rejects.FromRow,
            [("@unknownEntity", RejectRecord.UnknownEntity), ("@refused", nameof(FileStatus.Refused))],
            ct);

    public IAsyncEnumerable<StoredReject> ReadStoredRejectsAsync(RejectQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var table = Tables.Rejects;
        var sql = new System.Text.StringBuilder($"SELECT {table.ColumnList}, redriven_at, resolved_at FROM {table.Name} WHERE entity = @entity");
        var parameters = new List<(string Name, object Value)> { ("@entity", query.Entity) };
        if (query.Rule is not null)
        {
            sql.Append(" AND rule = @rule");
            parameters.Add(("@rule", query.Rule));
        }

        if (query.SourceFile is not null)
        {
            sql.Append(" AND source_file = @file");
            parameters.Add(("@file", query.SourceFile));
        }

        if (!query.IncludeRedriven)
        {
            sql.Append(" AND redriven_at IS NULL");
        }

        if (!query.IncludeResolved)
        {
            sql.Append(" AND resolved_at IS NULL");
        }

        sql.Append(" ORDER BY source_file, line");
        var redrivenAt = table.Columns.Count;
        return ReadAsync(
            sql.ToString(),
            row => new StoredReject(table.FromRow(row), row.NullableUtc(redrivenAt), row.NullableUtc(redrivenAt + 1)),
            parameters,
            ct);
    }

    public async Task MarkRedrivenAsync(string entity, IReadOnlyList<Lineage> rows, DateTime at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await InTransactionAsync(async (connection, transaction, token) =>
        {
            foreach (var row in rows)
            {
                await using var update = connection.Command(transaction, """
                    UPDATE rejects SET redriven_at = @at WHERE entity = @entity AND source_file = @file AND line = @line
                    """)
                    .With("@at", columnValues.ToParameter(at, ColumnType.Timestamp))
                    .With("@entity", entity).With("@file", row.SourceFile).With("@line", row.Line);
                await update.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
        }, ct).ConfigureAwait(false);
    }

    public Task RecordMemberAsync(ConsumerMember member, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(member);
        return InTransactionAsync((connection, transaction, token) =>
            WriteAsync(connection, transaction, Tables.ConsumerMembers, [member], token), ct);
    }

    public Task RemoveMemberAsync(string groupId, string memberId, CancellationToken ct) =>
        InTransactionAsync(async (connection, transaction, token) =>
        {
            await using var delete = connection
                .Command(transaction, "DELETE FROM consumer_members WHERE group_id = @group AND member_id = @member")
                .With("@group", groupId).With("@member", memberId);
            await delete.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, ct);

    public async Task<IReadOnlyList<ConsumerMember>> GetMembersAsync(string? groupId, CancellationToken ct)
    {
        var table = Tables.ConsumerMembers;
        var members = new List<ConsumerMember>();
        var rows = groupId is null
            ? ReadAsync(table.SelectAllSql, table.FromRow, [], ct)
            : ReadAsync($"SELECT {table.ColumnList} FROM {table.Name} WHERE group_id = @group ORDER BY {table.KeyList}", table.FromRow, [("@group", groupId)], ct);
        await foreach (var member in rows.ConfigureAwait(false))
        {
            members.Add(member);
        }

        return members;
    }

    public async Task<bool> TryAcquireLeaseAsync(string name, string owner, DateTime now, DateTime expiresAt, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var held = false;
        await InTransactionAsync(async (connection, transaction, token) =>
        {
            var expires = columnValues.ToParameter(expiresAt, ColumnType.Timestamp);
            // Insert when nobody ever held it; else take it over when it is ours or expired. Under PostgreSQL's row lock
            // (SQLite: the write lock of BEGIN IMMEDIATE) two contenders for an expired lease cannot both win.
            await using (var insert = connection
                .Command(transaction, "INSERT INTO leases (name, owner, expires_at) VALUES (@name, @owner, @expires) ON CONFLICT (name) DO NOTHING")
                .With("@name", name).With("@owner", owner).With("@expires", expires))
            {
                await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }

            await using (var take = connection
                .Command(transaction, "UPDATE leases SET owner = @owner, expires_at = @expires WHERE name = @name AND (owner = @owner OR expires_at < @now)")
                .With("@name", name).With("@owner", owner).With("@expires", expires).With("@now", columnValues.ToParameter(now, ColumnType.Timestamp)))
            {
                await take.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }

            await using var holder = connection.Command(transaction, "SELECT owner FROM leases WHERE name = @name").With("@name", name);
            held = string.Equals(await holder.ExecuteScalarAsync(token).ConfigureAwait(false) as string, owner, StringComparison.Ordinal);
        }, ct).ConfigureAwait(false);
        return held;
    }

    public Task ReleaseLeaseAsync(string name, string owner, CancellationToken ct) =>
        InTransactionAsync(async (connection, transaction, token) =>
        {
            await using var delete = connection
                .Command(transaction, "DELETE FROM leases WHERE name = @name AND owner = @owner")
                .With("@name", name).With("@owner", owner);
            await delete.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, ct);

    private async Task InTransactionAsync(Func<DbConnection, DbTransaction, CancellationToken, Task> work, CancellationToken ct)
    {
        var connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await work(connection, transaction, ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private async Task ResolveRedrivenAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<ProcessedRow> processed, CancellationToken ct)
    {
        var at = columnValues.ToParameter(DateTime.UtcNow, ColumnType.Timestamp);
        foreach (var row in processed.Where(row => row is { Redriven: true, Rejected: false }))
        {
            await using var resolve = connection.Command(transaction, ResolveRedrivenSql)
                .With("@at", at).With("@file", row.SourceFile).With("@line", row.Line);
            await resolve.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task<bool> HasUncountedIntervalsAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var check = connection.Command(transaction, """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM intervals) AND NOT EXISTS (SELECT 1 FROM interval_completeness) THEN 1 ELSE 0 END
            """);
        return Convert.ToInt64(await check.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    private static RatePeriod PeriodOf(AgreementRateVersion version, AgreementRateVersion? next) =>
        new(
            version.ServiceAgreementId,
            version.Version,
            next is not null && string.Equals(next.ServiceAgreementId, version.ServiceAgreementId, StringComparison.Ordinal)
                ? RateHistory.EndBefore(next.Version.EffectiveUtc)
                : null);

    private static FileReconciliation ReadReconciliation(StoredRow row) =>
        new(
            row.Text(0), row.NullableText(1), Enum.Parse<FileStatus>(row.Text(2)), row.Int64(3),
            row.Int64(4), row.Int64(5), row.NullableText(6), row.NullableText(7))
        {
            Resends = row.Int32(8),
            SameContentAs = row.NullableText(9),
        };

    private Task ApplyAsync<T>(
        StoreBatch<T> batch, Func<DbConnection, DbTransaction, CancellationToken, Task> writeRows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return InTransactionAsync(async (connection, transaction, token) =>
        {
            await writeRows(connection, transaction, token).ConfigureAwait(false);
            await WriteAsync(connection, transaction, Tables.Rejects, batch.Rejects, token).ConfigureAwait(false);
            await CountProcessedAsync(connection, transaction, batch.Processed, token).ConfigureAwait(false);
            await ResolveRedrivenAsync(connection, transaction, batch.Processed, token).ConfigureAwait(false);
        }, ct);
    }

    private Task WriteAsync<T>(
        DbConnection connection, DbTransaction transaction, StoreTable<T> table, IReadOnlyCollection<T> rows, CancellationToken ct) =>
        rows.Count == 0 ? Task.CompletedTask : WriteRowsAsync(connection, transaction, table, rows, ct);

    private async Task WriteRatesAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<RateRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var agreements = rows.Select(row => row.ServiceAgreementId).Distinct(StringComparer.Ordinal).ToList();
        var stored = new List<AgreementRateVersion>();
        var table = Tables.RateVersions;
        await using (var command = connection
            .Command(transaction, $"SELECT {table.ColumnList} FROM {table.Name} WHERE {IsOneOfSql("service_agreement_id", "@agreements")}")
            .With("@agreements", ListParameterValue(agreements)))
        {
            await foreach (var version in ReadAsync(command, table.FromRow, ct).ConfigureAwait(false))
            {
                stored.Add(version);
            }
        }

        var plan = RateBatchPlan.Build(rows, stored);
        await WriteAsync(connection, transaction, table, plan.Changed, ct).ConfigureAwait(false);
        await WriteAsync(connection, transaction, Tables.RateAudit, plan.Displaced, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Two statements per batch whatever the number of (file, partition) groups: one upsert creates the
    /// missing counter rows and locks all of them (a no-op update, in file then partition order) while
    /// returning the highest line each already counted; one command then updates those that grow.
    /// </summary>
    private static async Task CountProcessedAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<ProcessedRow> processed, CancellationToken ct)
    {
        // A redriven event was counted when it was first consumed; counting it again would break rows read = applied + rejected.
        var groups = FileProgress.Group([.. processed.Where(row => !row.Redriven)]);
        if (groups.Count == 0)
        {
            return;
        }

        var highestCounted = new Dictionary<(string File, int Partition), long>(groups.Count);
        var rows = string.Join(", ", groups.Select((_, index) => $"(@file{index}, @partition{index}, 0, 0, 0)"));
        await using (var lockRows = connection.Command(transaction, $"""
            INSERT INTO file_progress AS progress (source_file, partition_id, highest_line, rows_valid, rows_rejected)
            VALUES {rows}
            ON CONFLICT (source_file, partition_id) DO UPDATE SET highest_line = progress.highest_line
            RETURNING source_file, partition_id, highest_line
            """))
        {
            for (var index = 0; index < groups.Count; index++)
            {
                lockRows.With($"@file{index}", groups[index].SourceFile).With($"@partition{index}", groups[index].Partition);
            }

            var reader = await lockRows.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    highestCounted[(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
                }
            }
        }

        var updates = new List<string>(groups.Count);
        await using var update = connection.Command(transaction, "");
        foreach (var progress in groups)
        {
            var counted = highestCounted[(progress.SourceFile, progress.Partition)];
            var increment = progress.CountAbove(counted);
            if (increment.HighestLine == counted)
            {
                continue;
            }

            var n = updates.Count;
            updates.Add($"""
                UPDATE file_progress SET highest_line = @highest{n}, rows_valid = rows_valid + @valid{n},
                    rows_rejected = rows_rejected + @rejected{n}
                WHERE source_file = @file{n} AND partition_id = @partition{n}
                """);
            update.With($"@highest{n}", increment.HighestLine).With($"@valid{n}", increment.Valid)
                .With($"@rejected{n}", increment.Rejected).With($"@file{n}", progress.SourceFile)
                .With($"@partition{n}", progress.Partition);
        }

        if (updates.Count > 0)
        {
            update.CommandText = string.Join(";\n", updates);
            await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private IAsyncEnumerable<T> ReadAllAsync<T>(StoreTable<T> table, CancellationToken ct) =>
        ReadAsync(table.SelectAllSql, table.FromRow, [], ct);

    private async IAsyncEnumerable<T> ReadAsync<T>(
        string sql,
        Func<StoredRow, T> map,
        IReadOnlyList<(string Name, object Value)> parameters,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command(transaction: null, sql);
            await using (command.ConfigureAwait(false))
            {
                foreach (var (name, value) in parameters)
                {
                    command.With(name, value);
                }

                await foreach (var row in ReadAsync(command, map, ct).ConfigureAwait(false))
                {
                    yield return row;
                }
            }
        }
    }

    private async IAsyncEnumerable<T> ReadAsync<T>(
        DbCommand command, Func<StoredRow, T> map, [EnumeratorCancellation] CancellationToken ct)
    {
        var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var row = new StoredRow(reader, columnValues);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                yield return map(row);
            }
        }
    }
}
