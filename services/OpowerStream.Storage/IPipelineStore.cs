using OpowerStream.Domain;
using OpowerStream.Domain.Completeness;
using OpowerStream.Domain.Rates;

namespace OpowerStream.Storage;

/// <summary>
/// The materialized state of the pipeline: the entities' current rows, the rejects, the rate audit
/// trail and the per-file reconciliation. Both stores implement the whole, the union of the role
/// interfaces below; code that uses a store takes only the role it needs. Every write is guarded by
/// source sequence (spec section 5), so redelivered or replayed batches never roll state back. Failures
/// surface as exceptions (<see cref="StoreFailures"/> tells transient from permanent); the caller
/// retries the whole batch.
/// </summary>
public interface IPipelineStore : IBatchApplyStore, IFileLedgerStore, IOperatorStore, IRedriveStore, IMembershipStore, IAsyncDisposable
{
}

/// <summary>What a consumer needs: one batch of an entity (rows, rejects, per-file counts) applied in one transaction.</summary>
public interface IBatchApplyStore
{
    /// <summary>The utility's zone (<c>Utility:TimeZone</c>), whose local days interval completeness is counted in.</summary>
    TimeZoneInfo UtilityTimeZone { get; }

    /// <summary>Applies rates, rejects and reconciliation counters in one transaction.</summary>
    Task ApplyRatesAsync(StoreBatch<RateRow> batch, CancellationToken ct);

    /// <summary>
    /// Applies interval reads, rejects, reconciliation counters and the completeness counters of the intervals
    /// it applied in one transaction.
    /// </summary>
    Task ApplyIntervalsAsync(StoreBatch<IntervalRead> batch, CancellationToken ct);

    /// <summary>Applies service quantities, rejects and reconciliation counters in one transaction.</summary>
    Task ApplyServiceQuantitiesAsync(StoreBatch<ServiceQuantity> batch, CancellationToken ct);
}

/// <summary>The file ledger: what the extractor records of each inbound file, and the per-file reconciliation.</summary>
public interface IFileLedgerStore
{
    /// <summary>Inserts or replaces the ledger entry of <see cref="FileLedgerEntry.FileName"/>.</summary>
    Task RecordFileAsync(FileLedgerEntry entry, CancellationToken ct);

    /// <summary>
    /// Records the entry of a file whose name the ledger knows with other content, in one transaction
    /// with dropping the old content's reconciliation counters and rejects, so the new content is
    /// reconciled on its own (rows read = applied + rejected of the new content only).
    /// </summary>
    Task RecordReplacedFileAsync(FileLedgerEntry entry, CancellationToken ct);

    /// <summary>The ledger entries named <paramref name="fileName"/> or holding content with <paramref name="sha256"/>.</summary>
    Task<IReadOnlyList<FileLedgerEntry>> FindFilesAsync(string fileName, string sha256, CancellationToken ct);

    /// <summary>Every file of the ledger with its counters, sorted by file name.</summary>
    Task<IReadOnlyList<FileReconciliation>> GetFilesAsync(CancellationToken ct);
}

/// <summary>The operator's queries and exports: the entities' current rows, the rejects and the rate audit trail.</summary>
public interface IOperatorStore
{
    /// <summary>Rate periods sorted by agreement then effective date; the latest of each agreement is open.</summary>
    IAsyncEnumerable<RatePeriod> ReadRatePeriodsAsync(CancellationToken ct);

    /// <summary>Interval reads sorted by their composite key.</summary>
    IAsyncEnumerable<IntervalRead> ReadIntervalsAsync(CancellationToken ct);

    /// <summary>
    /// The completeness counters, per series and local day in <see cref="IBatchApplyStore.UtilityTimeZone"/>, sorted by series then
    /// day; only the days from <paramref name="from"/> and to <paramref name="to"/> when given. A day nothing
    /// was received on has no counter.
    /// </summary>
    IAsyncEnumerable<DayCount> ReadDayCountsAsync(DateOnly? from, DateOnly? to, CancellationToken ct);

    /// <summary>The first and the last local day holding any interval; null when there is none.</summary>
    Task<DayRange?> GetIntervalDaysAsync(CancellationToken ct);

    /// <summary>Every series holding at least one interval, sorted.</summary>
    Task<IReadOnlyList<IntervalSeries>> GetIntervalSeriesAsync(CancellationToken ct);

    /// <summary>Service quantities sorted by their composite key.</summary>
    IAsyncEnumerable<ServiceQuantity> ReadServiceQuantitiesAsync(CancellationToken ct);

    /// <summary>
    /// Rejected rows and refused files (line 0, rule = refusal reason), sorted by entity, source file, line.
    /// A reject whose row was applied after a redrive is resolved and no longer listed.
    /// </summary>
    IAsyncEnumerable<RejectRecord> ReadRejectsAsync(CancellationToken ct);

    /// <summary>Every rate value a correction displaced, sorted by agreement, effective date, sequence.</summary>
    IAsyncEnumerable<RateAuditEntry> ReadRateAuditAsync(CancellationToken ct);
}

/// <summary>What <c>redrive</c> needs: the rejects with their original events and redrive state.</summary>
public interface IRedriveStore
{
    /// <summary>One entity's rejected rows with their redrive state, sorted by source file then line.</summary>
    IAsyncEnumerable<StoredReject> ReadStoredRejectsAsync(RejectQuery query, CancellationToken ct);

    /// <summary>Records that a redrive re-published these rows of <paramref name="entity"/> at <paramref name="at"/>.</summary>
    Task MarkRedrivenAsync(string entity, IReadOnlyList<Lineage> rows, DateTime at, CancellationToken ct);
}

/// <summary>The consumer instances' own records, so that <c>replay</c> can tell a group is in use without joining it.</summary>
public interface IMembershipStore
{
    /// <summary>Registers a consumer instance, or refreshes its heartbeat (same group and member id).</summary>
    Task RecordMemberAsync(ConsumerMember member, CancellationToken ct);

    /// <summary>Removes a consumer instance's record (on its clean shutdown, after it left its group).</summary>
    Task RemoveMemberAsync(string groupId, string memberId, CancellationToken ct);

    /// <summary>The recorded consumer instances of <paramref name="groupId"/> (all groups when null), stale ones included.</summary>
    Task<IReadOnlyList<ConsumerMember>> GetMembersAsync(string? groupId, CancellationToken ct);

    /// <summary>
    /// Takes the lease <paramref name="name"/> for <paramref name="owner"/> until <paramref name="expiresAt"/>, or renews it:
    /// true when <paramref name="owner"/> now holds it, false while another owner's lease has not expired at <paramref name="now"/>.
    /// Atomic across processes sharing the store.
    /// </summary>
    Task<bool> TryAcquireLeaseAsync(string name, string owner, DateTime now, DateTime expiresAt, CancellationToken ct);

    /// <summary>Gives the lease up, if <paramref name="owner"/> still holds it, so a standby need not wait for it to expire.</summary>
    Task ReleaseLeaseAsync(string name, string owner, CancellationToken ct);
}
