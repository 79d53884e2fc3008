using OpowerStream.Storage;

namespace OpowerStream.Consumers.Processing;

/// <summary>
/// What a batch of records becomes: the valid rows, the rejects and their dead letters, and one
/// <see cref="ProcessedRow"/> per counted event for the per-file reconciliation.
/// </summary>
public sealed class ProcessedBatch<T>(int capacity)
    where T : class
{
    private readonly HashSet<(string Topic, int Partition, long Offset)> seen = new(capacity);

    public List<T> Rows { get; } = new(capacity);

    public List<RejectRecord> Rejects { get; } = [];

    public List<DeadLetter> DeadLetters { get; } = [];

    public List<ProcessedRow> Processed { get; } = new(capacity);

    /// <summary>What one store transaction applies.</summary>
    public StoreBatch<T> ToStoreBatch() => new(Rows, Rejects, Processed);

    /// <summary>
    /// False when the record was added already: a rebalance can hand a partition back while its batch
    /// fills, and the consumer then reads the same offsets again.
    /// </summary>
    internal bool FirstSight(ConsumedRecord record) => seen.Add((record.Topic, record.Partition, record.Offset));
}
