using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace OpowerStream.Kafka.Consuming;

/// <summary>
/// The consumer loop every service shares. At-least-once on purpose: a batch (up to
/// <see cref="BatchLoopSettings.MaxBatchSize"/> records or <see cref="BatchLoopSettings.MaxBatchWait"/>)
/// is collected on the consumer thread and applied on the thread pool, and its offsets are stored only
/// once the apply completed. Batches are pipelined: while one applies, the next is fetched and decoded;
/// they still complete one after the other, in order. When an apply takes long (a database outage being
/// retried) the loop pauses its partitions and keeps polling, so it stays a member of its group; records
/// a poll returns while paused are kept for the next batch. Before partitions are revoked the batch in
/// flight is finished, so its offsets are stored by their owner.
/// </summary>
public sealed class KafkaBatchLoop<TBatch>(
    BatchLoopSettings settings,
    ConsumerConfig config,
    IBatchHandler<TBatch> handler,
    IBatchLoopReporter reporter,
    ILogger logger)
{
    private static readonly TimeSpan CommittedLookupTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PendingBatchPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The longest a poll waits for a record: the loop reports liveness and lag while idle, and an idle
    /// consumer notices a stop within this time.
    /// </summary>
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long the next batch waits for the previous apply before the partitions are paused: short
    /// applies are waited for (pausing drops the client's prefetched records), long ones are polled through.
    /// </summary>
    private static readonly TimeSpan PauseAfter = TimeSpan.FromSeconds(1);

    // Records returned by a poll while the partitions were paused: the next batch starts with them.
    private readonly Queue<ConsumeResult<byte[], byte[]>> kept = new();

    // The batch being applied on the thread pool while the consumer thread fetches the next one.
    private Task? pendingApply;

    // Set when partitions are assigned after a pause, cleared once the loop resumed them: a partition
    // revoked while paused and handed back after the pause ended must not stay paused (that would stall it
    // for good); resuming a partition that is not paused changes nothing.
    private bool resumeAfterAssignment;
    private bool pausedOnce;
    private IReadOnlyCollection<TopicPartitionOffset>? pendingOffsets;

    /// <summary>Runs on the calling thread until <paramref name="ct"/> is cancelled; the consumer is used from this thread only.</summary>
    public void Run(CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetPartitionsAssignedHandler((c, assigned) =>
            {
                KafkaLog.PartitionsAssigned(logger, settings.Name, string.Join(",", assigned.Select(p => p.Partition.Value)));
                resumeAfterAssignment |= pausedOnce;
                return KafkaClientConfigs.StartPositions(c, assigned, CommittedLookupTimeout);
            })
            .SetPartitionsRevokedHandler((c, revoked) =>
            {
                // Finish the batch in flight so that its offsets are stored before the partitions move; records
                // kept from a pause go back to the log, for the partitions' next owner to read in order.
                CompletePendingBatch(c);
                DropKept(revoked);
                KafkaLog.PartitionsRevoked(logger, settings.Name, string.Join(",", revoked.Select(p => p.Partition.Value)));
                reporter.Released(settings.Topic, [.. revoked.Select(p => p.Partition.Value)]);
            })
            .Build();
        consumer.Subscribe(settings.Topic);
        KafkaLog.ConsumerStarted(logger, settings.Name, settings.Topic, settings.Group);
        reporter.NotReady($"joining group {settings.Group}");
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // Consuming and decoding this batch overlaps the apply of the previous one.
                if (NextBatch(consumer, ct) is { } batch)
                {
                    AwaitPendingBatch(consumer, ct);
                    pendingOffsets = batch.Offsets;
                    pendingApply = Task.Run(() => handler.ApplyAsync(batch.Batch, ct), ct);
                }

                ResumeNewAssignment(consumer);
                ReportProgress(consumer);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown: offsets of applied batches are stored and committed by Close below.
        }
        catch (ConsumeException e) when (KafkaClientConfigs.IsOffsetOutOfRange(e.Error))
        {
            // Never skip silently: the records between the stored offset and the log start are gone.
            KafkaLog.ConsumerFatal(logger, settings.Name,
                $"offset out of range at {e.ConsumerRecord?.TopicPartitionOffset}: records were trimmed before they were applied", e);
            throw;
        }
        catch (KafkaException e) when (e.Error.IsFatal)
        {
            KafkaLog.ConsumerFatal(logger, settings.Name, e.Error.Reason, e);
            throw;
        }
        finally
        {
            reporter.Stopped("consumer closed");
            try
            {
                CompletePendingBatch(consumer);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Shutdown interrupted the batch: it was not applied, so its offsets stay where they were.
            }
            finally
            {
                consumer.Close();
            }
        }

        KafkaLog.ConsumerLeftGroup(logger, settings.Name, settings.Group);
    }

    /// <summary>Liveness, readiness (a member of its group) and the lag of every partition it owns, after each poll.</summary>
    private void ReportProgress(IConsumer<byte[], byte[]> consumer)
    {
        reporter.Beat();
        if (string.IsNullOrEmpty(consumer.MemberId))
        {
            reporter.NotReady($"joining group {settings.Group}");
            return;
        }

        var assignment = consumer.Assignment;
        reporter.Ready($"member of {settings.Group}, {assignment.Count} partition(s)");
        foreach (var partition in assignment)
        {
            var high = consumer.GetWatermarkOffsets(partition).High;
            var position = consumer.Position(partition);
            if (high != Offset.Unset && position != Offset.Unset)
            {
                reporter.Read(partition.Topic, partition.Partition.Value, position.Value, high.Value);
            }
        }
    }

    /// <summary>
    /// Before the next batch starts applying, the previous one must have completed. A short wait blocks;
    /// a long one (the handler retrying a store outage) pauses the partitions and keeps polling, so the
    /// member neither exceeds <c>max.poll.interval.ms</c> nor buffers more than it already collected.
    /// </summary>
    private void AwaitPendingBatch(IConsumer<byte[], byte[]> consumer, CancellationToken ct)
    {
        if (pendingApply is not { } apply)
        {
            return;
        }

        if (!WaitQuietly(apply, PauseAfter, ct))
        {
            var paused = Stopwatch.StartNew();
            pausedOnce = true;
            KafkaLog.PartitionsPaused(logger, settings.Name, (long)PauseAfter.TotalMilliseconds);
            while (!apply.IsCompleted)
            {
                // Newly assigned partitions are paused too: pausing a paused partition changes nothing.
                consumer.Pause(consumer.Assignment);
                if (ConsumeOrReport(() => consumer.Consume(PollTimeout)) is { Message: not null } record)
                {
                    kept.Enqueue(record);
                }

                ReportProgress(consumer);
                ct.ThrowIfCancellationRequested();
            }

            consumer.Resume(consumer.Assignment);
            KafkaLog.PartitionsResumed(logger, settings.Name, paused.ElapsedMilliseconds, kept.Count);
        }

        CompletePendingBatch(consumer);
    }

    /// <summary>Resumes partitions assigned since a pause (outside a pause: resuming an unpaused partition changes nothing).</summary>
    private void ResumeNewAssignment(IConsumer<byte[], byte[]> consumer)
    {
        if (resumeAfterAssignment)
        {
            resumeAfterAssignment = false;
            consumer.Resume(consumer.Assignment);
        }
    }

    /// <summary>
    /// A broker error that is neither fatal nor an out-of-range offset (a fetch timing out, a leader
    /// moving) is the client's to retry: it ends the batch collected so far, which is then applied as
    /// usual, instead of stopping the service. The consumer's position stays on the next unread record,
    /// so nothing is skipped.
    /// </summary>
    private ConsumeResult<byte[], byte[]>? ConsumeOrReport(Func<ConsumeResult<byte[], byte[]>?> consume)
    {
        try
        {
            return consume();
        }
        catch (ConsumeException e) when (!e.Error.IsFatal && !KafkaClientConfigs.IsOffsetOutOfRange(e.Error))
        {
            KafkaLog.ConsumeErrorRetried(logger, settings.Name, e.Error.Code.ToString(), e.Error.Reason);
            return null;
        }
    }

    /// <summary>Waits for the batch in flight (applied), then stores its offsets.</summary>
    private void CompletePendingBatch(IConsumer<byte[], byte[]> consumer)
    {
        if (pendingApply is not { } apply)
        {
            return;
        }

        var offsets = pendingOffsets!;
        pendingApply = null;
        pendingOffsets = null;
        apply.GetAwaiter().GetResult();
        StoreOffsets(consumer, offsets);
    }

    /// <summary>Up to <see cref="BatchLoopSettings.MaxBatchSize"/> records or <see cref="BatchLoopSettings.MaxBatchWait"/>, each handed to the handler as it arrives.</summary>
    private CollectedBatch? NextBatch(IConsumer<byte[], byte[]> consumer, CancellationToken ct)
    {
        var first = NextRecord(consumer, ct);
        if (first?.Message is null)
        {
            return null;
        }

        var batch = new CollectedBatch(handler.NewBatch(settings.MaxBatchSize));
        Add(batch, first);
        var deadline = Stopwatch.StartNew();
        while (batch.Count < settings.MaxBatchSize)
        {
            if (kept.TryDequeue(out var keptRecord))
            {
                Add(batch, keptRecord);
                continue;
            }

            var remaining = settings.MaxBatchWait - deadline.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            var next = ConsumeOrReport(() => consumer.Consume(remaining));
            if (next?.Message is null)
            {
                break;
            }

            Add(batch, next);
        }

        return batch;
    }

    private void Add(CollectedBatch batch, ConsumeResult<byte[], byte[]> record)
    {
        batch.Consumed(record);
        handler.Add(batch.Batch, record);
    }

    /// <summary>
    /// The next record: one kept from a pause first; else waits for one, meanwhile storing the offsets
    /// of the batch in flight as soon as it applied, so that an idle partition does not keep its last
    /// batch uncommitted.
    /// </summary>
    private ConsumeResult<byte[], byte[]>? NextRecord(IConsumer<byte[], byte[]> consumer, CancellationToken ct)
    {
        if (kept.TryDequeue(out var keptRecord))
        {
            return keptRecord;
        }

        while (pendingApply is not null)
        {
            var next = ConsumeOrReport(() => consumer.Consume(PendingBatchPoll));
            if (next?.Message is not null)
            {
                return next;
            }

            if (pendingApply.IsCompleted)
            {
                CompletePendingBatch(consumer);
            }

            ct.ThrowIfCancellationRequested();
        }

        ct.ThrowIfCancellationRequested();
        return ConsumeOrReport(() => consumer.Consume(PollTimeout));
    }

    /// <summary>Waits up to <paramref name="timeout"/> for <paramref name="task"/> to end, whatever its outcome (which <see cref="CompletePendingBatch"/> observes).</summary>
    private static bool WaitQuietly(Task task, TimeSpan timeout, CancellationToken ct) =>
        task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
            .Wait(timeout, ct);

    private void DropKept(List<TopicPartitionOffset> revoked)
    {
        var stays = kept.Where(r => !revoked.Any(p => p.TopicPartition == r.TopicPartition)).ToList();
        kept.Clear();
        foreach (var record in stays)
        {
            kept.Enqueue(record);
        }
    }

    private static void StoreOffsets(IConsumer<byte[], byte[]> consumer, IReadOnlyCollection<TopicPartitionOffset> offsets)
    {
        foreach (var offset in offsets)
        {
            try
            {
                consumer.StoreOffset(offset);
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_State)
            {
                // The partition was revoked meanwhile; its new owner re-reads the batch, which is harmless.
            }
        }
    }

    /// <summary>The handler's batch as it fills, with the offsets to store after it applied.</summary>
    private sealed class CollectedBatch(TBatch batch)
    {
        private readonly Dictionary<(string Topic, Partition Partition), Offset> lastOffsets = [];

        public TBatch Batch { get; } = batch;

        public int Count { get; private set; }

        /// <summary>Per partition, the offset after the batch's last record of it (what Kafka stores as consumed).</summary>
        public IReadOnlyCollection<TopicPartitionOffset> Offsets =>
            [.. lastOffsets.Select(last => new TopicPartitionOffset(last.Key.Topic, last.Key.Partition, last.Value + 1))];

        public void Consumed(ConsumeResult<byte[], byte[]> record)
        {
            Count++;
            var partition = (record.Topic, record.Partition);
            if (!lastOffsets.TryGetValue(partition, out var last) || last.Value < record.Offset.Value)
            {
                lastOffsets[partition] = record.Offset;
            }
        }
    }
}
