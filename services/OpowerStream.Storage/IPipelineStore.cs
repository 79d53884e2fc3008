using OpowerStream.Domain;
using OpowerStream.Domain.Rates;

namespace OpowerStream.Storage;

/// <summary>
/// The materialized state of the pipeline: the entities' current rows, the rejects, the rate audit
/// trail and the per-file reconciliation. Every write is guarded by source sequence (spec section 5),
/// so redelivered or replayed batches never roll state back. Transient failures (connection lost,
/// database busy) surface as exceptions; the caller retries the whole batch.
/// </summary>
public interface IPipelineStore : IAsyncDisposable
{
    /// <summary>Applies rates, rejects and reconciliation counters in one transaction.</summary>
    Task ApplyRatesAsync(StoreBatch<RateRow> batch, CancellationToken ct);

    /// <summary>Applies interval reads, rejects and reconciliation counters in one transaction.</summary>
    Task ApplyIntervalsAsync(StoreBatch<IntervalRead> batch, CancellationToken ct);

    /// <summary>Applies service quantities, rejects and reconciliation counters in one transaction.</summary>
    Task ApplyServiceQuantitiesAsync(StoreBatch<ServiceQuantity> batch, CancellationToken ct);

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

    /// <summary>Rate periods sorted by agreement then effective date; the latest of each agreement is open.</summary>
    IAsyncEnumerable<RatePeriod> ReadRatePeriodsAsync(CancellationToken ct);

    /// <summary>Interval reads sorted by their composite key.</summary>
    IAsyncEnumerable<IntervalRead> ReadIntervalsAsync(CancellationToken ct);

    /// <summary>Service quantities sorted by their composite key.</summary>
    IAsyncEnumerable<ServiceQuantity> ReadServiceQuantitiesAsync(CancellationToken ct);

    /// <summary>
    /// Rejected rows and refused files (line 0, rule = refusal reason), sorted by entity, source file, line.
    /// A reject whose row was applied after a redrive is resolved and no longer listed.
    /// </summary>
    IAsyncEnumerable<RejectRecord> ReadRejectsAsync(CancellationToken ct);

    /// <summary>Every rate value a correction displaced, sorted by agreement, effective date, sequence.</summary>
    IAsyncEnumerable<RateAuditEntry> ReadRateAuditAsync(CancellationToken ct);

    /// <summary>One entity's rejected rows with their redrive state, sorted by source file then line.</summary>
    IAsyncEnumerable<StoredReject> ReadStoredRejectsAsync(RejectQuery query, CancellationToken ct);

    /// <summary>Records that a redrive re-published these rows of <paramref name="entity"/> at <paramref name="at"/>.</summary>
    Task MarkRedrivenAsync(string entity, IReadOnlyList<Lineage> rows, DateTime at, CancellationToken ct);

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
