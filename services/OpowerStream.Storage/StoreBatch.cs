using OpowerStream.Domain;

namespace OpowerStream.Storage;

/// <summary>
/// What a consumer applies in one transaction: the valid rows, the rejected ones, and one
/// <see cref="ProcessedRow"/> per consumed event for the per-file reconciliation.
/// </summary>
public sealed record StoreBatch<T>(
    IReadOnlyList<T> Rows,
    IReadOnlyList<RejectRecord> Rejects,
    IReadOnlyList<ProcessedRow> Processed);

/// <summary>
/// A rejected row (spec section 6). <see cref="Entity"/> is <see cref="EntityNames.Name"/>, or
/// <see cref="UnknownEntity"/> for a refused file whose entity is unknown. Unique per (entity,
/// source file, line): storing it again is a no-op. <see cref="OriginalEvent"/> is the consumed event
/// (single-object Avro, base64), kept so that <c>redrive</c> can re-publish it exactly, lineage included.
/// </summary>
public sealed record RejectRecord(
    string Entity, Lineage Lineage, string Rule, string? Field, string Message, string RawRow, string? OriginalEvent = null)
{
    public const string UnknownEntity = "file";
}

/// <summary>
/// One consumed event, valid or rejected. Per (file, partition) the store counts an event only when
/// its line is above the highest line already counted, so the counters stay exact under redelivery
/// and replay (within one partition a file's lines arrive in increasing order). A <see cref="Redriven"/>
/// event (re-published from the rejects by <c>redrive</c>) was counted already, as rejected: it is never
/// counted again; when it now passes, its reject is resolved and the row moves from rejected to applied.
/// </summary>
public readonly record struct ProcessedRow(string SourceFile, int Partition, long Line, bool Rejected, bool Redriven = false);
