using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using OpowerStream.Domain;
using OpowerStream.Storage.Postgres;
using OpowerStream.Storage.Relational;
using OpowerStream.Storage.Sqlite;
using OpowerStream.Testing;

namespace OpowerStream.Storage.Tests;

/// <summary>
/// Schema version 2 on both stores: rejects keep their original event and redrive state, a redriven row that
/// now passes moves from rejected to applied exactly once; a version 1 store migrates keeping its rejects.
/// </summary>
public abstract class RedriveStoreTests : IAsyncLifetime
{
    private const string File = "opwr_gec_v2-0-5_interval15_20261120060000.gz";
    private const long FileTimestamp = 20261120060000;
    private static readonly DateTime End = new(2026, 11, 19, 0, 15, 0, DateTimeKind.Utc);
    private static readonly DateTime Now = new(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc);

    private IPipelineStore store = null!;

    protected abstract Task<StoreLocation> CreateLocationAsync();

    /// <summary>Creates the store at schema version 1 only, as a release before redrive left it.</summary>
    protected abstract Task CreateVersion1Async(StoreLocation location);

    public async Task InitializeAsync() => store = await PipelineStores.OpenAsync(await CreateLocationAsync(), CancellationToken.None);

    public virtual async Task DisposeAsync() => await store.DisposeAsync();

    [Fact]
    public async Task A_redriven_row_that_now_passes_moves_from_rejected_to_applied_once_and_one_that_fails_again_stays_rejected_once()
    {
        await store.RecordFileAsync(Ledger(rowsRead: 3), CancellationToken.None);
        await store.ApplyIntervalsAsync(
            new([Interval(line: 2)], [Reject(3, "event-3"), Reject(4, "event-4")], [Event(2), Event(3, rejected: true), Event(4, rejected: true)]),
            CancellationToken.None);
        Assert.Equal((1L, 3L, 1L, 2L), await CountsAsync());

        var open = await RejectsAsync(new RejectQuery("intervals"));
        Assert.Equal([(3L, "event-3"), (4L, "event-4")], open.Select(r => (r.Reject.Lineage.Line, r.Reject.OriginalEvent!)));
        Assert.Empty(await RejectsAsync(new RejectQuery("intervals", Rule: "other_rule")));
        Assert.Single(await RejectsAsync(new RejectQuery("intervals", SourceFile: File, Rule: RuleCodes.InvalidDecimal)), r => r.Reject.Lineage.Line == 3);
        await store.MarkRedrivenAsync("intervals", [.. open.Select(r => r.Reject.Lineage)], Now, CancellationToken.None);
        Assert.Empty(await RejectsAsync(new RejectQuery("intervals")));

        // The consumer's batch of the re-published events: line 3 passes now, line 4 fails again. Twice (redelivery).
        var redriven = new StoreBatch<IntervalRead>(
            [Interval(line: 3) with { ServicePointId = "SP3" }],
            [Reject(4, "event-4")],
            [Event(3, redriven: true), Event(4, rejected: true, redriven: true)]);
        await store.ApplyIntervalsAsync(redriven, CancellationToken.None);
        await store.ApplyIntervalsAsync(redriven, CancellationToken.None);

        Assert.Equal((2L, 3L, 2L, 1L), await CountsAsync());
        Assert.True(Assert.Single(await store.GetFilesAsync(CancellationToken.None)).Reconciles);
        var all = await RejectsAsync(new RejectQuery("intervals") { IncludeRedriven = true, IncludeResolved = true });
        Assert.Equal(
            [(3L, true, true), (4L, true, false)],
            all.Select(r => (r.Reject.Lineage.Line, r.RedrivenAt == Now, r.ResolvedAt is not null)));
        Assert.Equal([4L], (await ToListAsync(store.ReadRejectsAsync(CancellationToken.None))).Select(r => r.Lineage.Line));
        Assert.Equal(["SP1", "SP3"], (await ToListAsync(store.ReadIntervalsAsync(CancellationToken.None))).Select(r => r.ServicePointId));
    }

    [Fact]
    public async Task A_version_1_store_with_rejects_migrates_to_version_2_keeping_them()
    {
        var location = await CreateLocationAsync();
        await CreateVersion1Async(location);

        await using var migrated = await PipelineStores.OpenAsync(location, CancellationToken.None);

        var reject = Assert.Single(await ToListAsync(migrated.ReadStoredRejectsAsync(new RejectQuery("intervals"), CancellationToken.None)));
        Assert.Equal((9L, null, null, null), (reject.Reject.Lineage.Line, reject.Reject.OriginalEvent, reject.RedrivenAt, reject.ResolvedAt));
        await migrated.RecordMemberAsync(new ConsumerMember("g", "m", "h", 1, Now, Now), CancellationToken.None);
        Assert.Single(await migrated.GetMembersAsync("g", CancellationToken.None));
    }

    /// <summary>Version 1's rejects table with one row in it.</summary>
    private protected static async Task CreateVersion1Async(DbConnection connection, MigrationDialect dialect, IReadOnlyList<Migration> migrations)
    {
        await SchemaMigrator.MigrateAsync(connection, dialect, [migrations[0]], CancellationToken.None);
        await connection.ExecuteAsync(null, $"""
            INSERT INTO rejects (entity, source_file, line, file_timestamp, rule, field, message, raw_row)
            VALUES ('intervals', '{File}', 9, {FileTimestamp}, 'invalid_decimal', 'usage_value', 'not a decimal', 'SP1')
            """, CancellationToken.None);
    }

    private async Task<(long Stored, long Read, long Applied, long Rejected)> CountsAsync()
    {
        var file = Assert.Single(await store.GetFilesAsync(CancellationToken.None));
        var intervals = await ToListAsync(store.ReadIntervalsAsync(CancellationToken.None));
        Assert.Equal(file.RowsApplied, intervals.Count);
        return (intervals.Count, file.RowsRead, file.RowsApplied, file.RowsRejected);
    }

    private Task<List<StoredReject>> RejectsAsync(RejectQuery query) => ToListAsync(store.ReadStoredRejectsAsync(query, CancellationToken.None));

    private static ProcessedRow Event(long line, bool rejected = false, bool redriven = false) => new(File, 0, line, rejected, redriven);

    private static IntervalRead Interval(long line) =>
        new($"SP{line - 1}", "CONSUMED", "WH", 15, End, 1m, 'A', "ELECTRIC", new SourceSequence(FileTimestamp, File, line));

    private static RejectRecord Reject(long line, string originalEvent) =>
        new("intervals", new Lineage(File, FileTimestamp, line), RuleCodes.InvalidDecimal, "usage_value", "not a decimal", "SP\tabc", originalEvent);

    private static FileLedgerEntry Ledger(long rowsRead) =>
        new(File, "intervals", 100, "ab12", FileStatus.Published, rowsRead, null, null, Now, Now);

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}

public sealed class SqliteRedriveStoreTests : RedriveStoreTests
{
    private readonly SqliteFolder folder = new("opowerstream-redrive");

    protected override Task<StoreLocation> CreateLocationAsync() => Task.FromResult(folder.NewStore());

    protected override async Task CreateVersion1Async(StoreLocation location)
    {
        await using var connection = new SqliteConnection($"Data Source={location.Target}");
        await connection.OpenAsync();
        await CreateVersion1Async(connection, SqliteSchema.Dialect, SqliteSchema.Migrations);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        folder.Dispose();
    }
}

public sealed class PostgresRedriveStoreTests(PostgresFixture postgres) : RedriveStoreTests, IClassFixture<PostgresFixture>
{
    protected override async Task<StoreLocation> CreateLocationAsync() =>
        new(StoreKind.Postgres, await postgres.CreateDatabaseAsync(nameof(PostgresRedriveStoreTests)));

    protected override async Task CreateVersion1Async(StoreLocation location)
    {
        await using var connection = new NpgsqlConnection(location.Target);
        await connection.OpenAsync();
        await CreateVersion1Async(connection, PostgresSchema.Dialect, PostgresSchema.Migrations);
    }
}
