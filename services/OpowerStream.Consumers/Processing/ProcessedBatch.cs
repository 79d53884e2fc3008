using System.Diagnostics;
using OpowerStream.Storage;

namespace OpowerStream.Consumers.Processing;

/// <summary>
/// What a batch of records becomes: the valid rows, the rejects and their dead letters, and one
/// <see cref="ProcessedRow"/> per counted event for the per-file reconciliation, and the file traces the rows belong to.
/// </summary>
public sealed class ProcessedBatch<T>(int capacity)
    where T : class
{
    private readonly HashSet<(string Topic, int Partition, long Offset)> seen = new(capacity);

    public List<T> Rows { get; } = new(capacity);

    public List<RejectRecord> Rejects { get; } = [];

    public List<DeadLetter> DeadLetters { get; } = [];

    public List<ProcessedRow> Processed { get; } = new(capacity);

    /// <summary>The trace context of each distinct file trace whose row events the batch holds (their <c>traceparent</c> headers).</summary>
    public Dictionary<ActivityTraceId, ActivityContext> FileTraces { get; } = [];

    /// <summary>The last <c>traceparent</c> read: a file's rows arrive together, so most headers repeat it and need no parsing.</summary>
    internal byte[]? LastTraceParent { get; set; }

    /// <summary>How many distinct records the batch took in.</summary>
    public int Records => seen.Count;

    /// <summary>What one store transaction applies.</summary>
    public StoreBatch<T> ToStoreBatch() => new(Rows, Rejects, Processed);

    /// <summary>
    /// False when the record was added already: a rebalance can hand a partition back while its batch
    /// fills, and the consumer then reads the same offsets again.
    /// </summary>
    internal bool FirstSight(ConsumedRecord record) => seen.Add((record.Topic, record.Partition, record.Offset));
}
