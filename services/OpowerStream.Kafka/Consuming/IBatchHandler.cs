using Confluent.Kafka;

namespace OpowerStream.Kafka.Consuming;

/// <summary>
/// What a <see cref="KafkaBatchLoop{TBatch}"/> does with records: collects them into a batch on the
/// consumer thread, then applies the batch on the thread pool. The loop stores the batch's offsets only
/// once <see cref="ApplyAsync"/> completed, so an apply must either commit the whole batch or throw.
/// </summary>
public interface IBatchHandler<TBatch>
{
    TBatch NewBatch(int capacity);

    void Add(TBatch batch, ConsumeResult<byte[], byte[]> record);

    /// <summary>Applies the batch; retrying what can be retried is the handler's (the loop keeps the group membership meanwhile).</summary>
    Task ApplyAsync(TBatch batch, CancellationToken ct);
}

/// <summary>Where the loop reports liveness, readiness and lag (health and metrics live above the Kafka layer).</summary>
public interface IBatchLoopReporter
{
    /// <summary>The loop is alive: called after every poll, also while paused.</summary>
    void Beat();

    void Ready(string detail);

    void NotReady(string reason);

    void Stopped(string reason);

    /// <summary>Where the instance reads a partition it owns, and the partition's end (high watermark) at its last fetch.</summary>
    void Read(string topic, int partition, long position, long highWatermark);

    /// <summary>Partitions that moved to another member: their lag is no longer this instance's to report.</summary>
    void Released(string topic, IReadOnlyList<int> partitions);
}

/// <summary>The settings of one loop: group, topic and batch bounds.</summary>
public sealed record BatchLoopSettings(string Name, string Topic, string Group, int MaxBatchSize, TimeSpan MaxBatchWait);
