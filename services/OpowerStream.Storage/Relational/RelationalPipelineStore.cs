using System.Data.Common;
using System.Runtime.CompilerServices;
using OpowerStream.Domain;
using OpowerStream.Domain.Rates;
using OpowerStream.Storage.Batching;

namespace OpowerStream.Storage.Relational;

/// <summary>
/// The store logic both databases share: batch planning, the reconciliation counters, the ledger
/// and every read. A subclass supplies connections, its value representation and the bulk write
/// of a table's rows (parameterized statements for SQLite, binary COPY for PostgreSQL).
/// </summary>
internal abstract class RelationalPipelineStore(IColumnValues columnValues) : IPipelineStore
{
    private const string FilesSql = """
        SELECT l.file_name, l.entity, l.status, l.rows_read,
               COALESCE(p.rows_valid, 0), COALESCE(p.rows_rejected, 0), l.refusal_reason, l.refusal_message
        FROM file_ledger l
        LEFT JOIN (
            SELECT source_file, CAST(SUM(rows_valid) AS BIGINT) AS rows_valid,
                   CAST(SUM(rows_rejected) AS BIGINT) AS rows_rejected
            FROM file_progress GROUP BY source_file) p ON p.source_file = l.file_name
        ORDER BY l.file_name
        """;

    // Refused files are rejects too (line 0), so one listing shows everything that was not applied.
    private const string RejectsSql = """
        SELECT entity, source_file, line, file_timestamp, rule, field, message, raw_row FROM rejects
        UNION ALL
        SELECT COALESCE(entity, @unknownEntity), file_name, 0, 0, COALESCE(refusal_reason, ''), NULL,
               COALESCE(refusal_message, refusal_reason, ''), ''
        FROM file_ledger WHERE status = @refused
        ORDER BY 1, 2, 3
        """;

    /// <summary>Opens a connection ready for use (pragmas set, pooled where the provider pools).</summary>
    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct);

    /// <summary>Inserts <paramref name="rows"/> (at most one per key) with the table's conflict rule.</summary>
    protected abstract Task WriteRowsAsync<T>(
        DbConnection connection, DbTransaction transaction, StoreTable<T> table, IReadOnlyCollection<T> rows, CancellationToken ct);

    /// <summary>A condition "<paramref name="column"/> is one of the list in <paramref name="parameter"/>".</summary>
    protected abstract string IsOneOfSql(string column, string parameter);

    /// <summary>The value of the list parameter used by <see cref="IsOneOfSql"/>.</summary>
    protected abstract object ListParameterValue(IReadOnlyCollection<string> values);

    public abstract ValueTask DisposeAsync();

    public Task ApplyIntervalsAsync(StoreBatch<IntervalRead> batch, CancellationToken ct) =>
        ApplyAsync(batch, (connection, transaction, token) => WriteAsync(
            connection,
            transaction,
            Tables.Intervals,
            LatestByKey.Select(
                batch.Rows,
                row => (row.ServicePointId, row.ServiceQuantityIdentifier, row.Units, row.IntervalMinutes, row.IntervalEndUtc),
                row => row.Sequence),
            token), ct);

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

    public async Task RecordFileAsync(FileLedgerEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await WriteAsync(connection, transaction, Tables.FileLedger, [entry], ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }
        }
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

    public IAsyncEnumerable<IntervalRead> ReadIntervalsAsync(CancellationToken ct) => ReadAllAsync(Tables.Intervals, ct);

    public IAsyncEnumerable<ServiceQuantity> ReadServiceQuantitiesAsync(CancellationToken ct) =>
        ReadAllAsync(Tables.ServiceQuantities, ct);

    public IAsyncEnumerable<RateAuditEntry> ReadRateAuditAsync(CancellationToken ct) => ReadAllAsync(Tables.RateAudit, ct);

    public IAsyncEnumerable<RejectRecord> ReadRejectsAsync(CancellationToken ct) =>
        ReadAsync(
            RejectsSql,
            Tables.Rejects.FromRow,
            [("@unknownEntity", RejectRecord.UnknownEntity), ("@refused", nameof(FileStatus.Refused))],
            ct);

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
            row.Int64(4), row.Int64(5), row.NullableText(6), row.NullableText(7));

    private async Task ApplyAsync<T>(
        StoreBatch<T> batch, Func<DbConnection, DbTransaction, CancellationToken, Task> writeRows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await writeRows(connection, transaction, ct).ConfigureAwait(false);
                await WriteAsync(connection, transaction, Tables.Rejects, batch.Rejects, ct).ConfigureAwait(false);
                await CountProcessedAsync(connection, transaction, batch.Processed, ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }
        }
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
        var groups = FileProgress.Group(processed);
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
