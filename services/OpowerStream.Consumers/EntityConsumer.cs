using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpowerStream.Contracts;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;
using OpowerStream.Hosting;
using OpowerStream.Hosting.Health;
using OpowerStream.Kafka;
using OpowerStream.Storage;

namespace OpowerStream.Consumers;

/// <summary>
/// One entity's consumer service. At-least-once on purpose: it consumes a batch, validates every
/// row, sends rejects to the dead-letter topic (and waits for the acknowledgements), applies valid
/// rows, rejects and per-file counts in ONE store transaction, and only then stores the offsets.
/// A crash anywhere before that replays the batch, which the sequence-guarded store absorbs.
/// Batches are pipelined: while one batch is applied on the thread pool, the consumer thread fetches,
/// decodes and validates the next one; batches still commit one after the other, in order, and a
/// batch's offsets are stored only once its transaction committed.
/// Scale out by starting more instances with the same group: Kafka splits the partitions.
/// </summary>
public sealed class EntityConsumer<T>(
    EntityPipeline<T> pipeline,
    StoreHost storeHost,
    KafkaProducerHandle producer,
    TopicNames topics,
    IOptions<KafkaOptions> kafkaOptions,
    IOptions<ConsumerOptions> consumerOptions,
    PipelineMetrics metrics,
    ServiceHealth health,
    ILogger<EntityConsumer<T>> logger) : BackgroundService
    where T : class
{
    private const string UndecodableEvent = "undecodable_event";
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan CommittedLookupTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PendingBatchPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The longest a poll waits for a record: the loop reports liveness and lag while idle, and an idle
    /// consumer notices a stop within this time (the host stops its services one after the other).
    /// </summary>
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(200);

    private readonly Entity entity = pipeline.Entity;
    private readonly string entityName = pipeline.Entity.Name();
    private readonly RawRowSerializer serializer = RawRowSerializer.For(pipeline.Entity);
    private readonly ConsumerOptions options = consumerOptions.Value;
    private readonly HealthComponent status = health.Component($"consumer:{pipeline.Entity.Name()}");

    // The batch being applied on the thread pool while the consumer thread fetches the next one.
    private Task? pendingApply;
    private IReadOnlyCollection<TopicPartitionOffset>? pendingOffsets;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Consume(stoppingToken), stoppingToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // Runs on its own thread: Consume blocks, and the consumer is used from this thread only (so
    // waiting here for the store is fine too).
    private void Consume(CancellationToken ct)
    {
        var group = options.GroupId(entityName);
        // Recorded before joining the group and removed after leaving it, so replay sees this member.
        var membership = ConsumerMembership.StartAsync(storeHost.Store, group, entityName, logger, ct).GetAwaiter().GetResult();
        try
        {
            ConsumeAsMember(group, ct);
        }
        finally
        {
            membership.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private void ConsumeAsMember(string group, CancellationToken ct)
    {
        var topic = topics.Rows(entity);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(kafkaOptions.Value, group))
            .SetPartitionsAssignedHandler((c, assigned) =>
            {
                Log.PartitionsAssigned(logger, entityName, string.Join(",", assigned.Select(p => p.Partition.Value)));
                return KafkaClientConfigs.StartPositions(c, assigned, CommittedLookupTimeout);
            })
            .SetPartitionsRevokedHandler((c, revoked) =>
            {
                // Finish the batch in flight so that its offsets are stored before the partitions move.
                CompletePendingBatch(c);
                Log.PartitionsRevoked(logger, entityName, string.Join(",", revoked.Select(p => p.Partition.Value)));
                metrics.PartitionsReleased(entity, topic, revoked.Select(p => p.Partition.Value));
            })
            .Build();
        consumer.Subscribe(topic);
        Log.ConsumerStarted(logger, entityName, topic, group);
        status.NotReady($"joining group {group}");
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // Consuming, decoding and validating this batch overlaps the store transaction of the previous one.
                if (NextBatch(consumer, ct) is { } batch)
                {
                    CompletePendingBatch(consumer);
                    pendingOffsets = batch.Offsets;
                    pendingApply = Task.Run(() => ApplyAsync(batch, ct), ct);
                }

                ReportProgress(consumer, group);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown: offsets of applied batches are stored and committed by Close below.
        }
        catch (ConsumeException e) when (KafkaClientConfigs.IsOffsetOutOfRange(e.Error))
        {
            // Never skip silently: the records between the stored offset and the log start are gone.
            Log.ConsumerFatal(logger, entityName,
                $"offset out of range at {e.ConsumerRecord?.TopicPartitionOffset}: records were trimmed before they were applied", e);
            throw;
        }
        catch (KafkaException e) when (e.Error.IsFatal)
        {
            Log.ConsumerFatal(logger, entityName, e.Error.Reason, e);
            throw;
        }
        finally
        {
            status.Stopped("consumer closed");
            try
            {
                CompletePendingBatch(consumer);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Shutdown interrupted the batch: it was not committed, so its offsets stay where they were.
            }
            finally
            {
                consumer.Close();
            }
        }

        Log.ConsumerLeftGroup(logger, entityName, group);
    }

    /// <summary>Liveness, readiness (a member of its group) and the lag of every partition it owns, after each poll.</summary>
    private void ReportProgress(IConsumer<byte[], byte[]> consumer, string group)
    {
        status.Beat();
        if (string.IsNullOrEmpty(consumer.MemberId))
        {
            status.NotReady($"joining group {group}");
            return;
        }

        var assignment = consumer.Assignment;
        status.Ready($"member of {group}, {assignment.Count} partition(s)");
        foreach (var partition in assignment)
        {
            var high = consumer.GetWatermarkOffsets(partition).High;
            var position = consumer.Position(partition);
            if (high != Offset.Unset && position != Offset.Unset)
            {
                metrics.ConsumerLag(entity, partition.Topic, partition.Partition.Value, Math.Max(0, high.Value - position.Value));
            }
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
            Log.ConsumeErrorRetried(logger, entityName, e.Error.Code.ToString(), e.Error.Reason);
            return null;
        }
    }

    /// <summary>Waits for the batch in flight (store transaction committed), then stores its offsets.</summary>
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

    /// <summary>
    /// Up to <see cref="ConsumerOptions.MaxBatchSize"/> records or <see cref="ConsumerOptions.MaxBatchWait"/>, each
    /// decoded and validated as it arrives, so that only the validated rows outlive the loop (the consumed
    /// records die young instead of surviving garbage collections while the batch fills and applies).
    /// </summary>
    private PreparedBatch? NextBatch(IConsumer<byte[], byte[]> consumer, CancellationToken ct)
    {
        var first = FirstOfBatch(consumer, ct);
        if (first?.Message is null)
        {
            return null;
        }

        var batch = new PreparedBatch(options.MaxBatchSize);
        Add(batch, first);
        var deadline = Stopwatch.StartNew();
        while (batch.Count < options.MaxBatchSize)
        {
            var remaining = options.MaxBatchWait - deadline.Elapsed;
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

    /// <summary>
    /// Waits for the next record; meanwhile stores the offsets of the batch in flight as soon as it
    /// committed, so that an idle partition does not keep its last batch uncommitted.
    /// </summary>
    private ConsumeResult<byte[], byte[]>? FirstOfBatch(IConsumer<byte[], byte[]> consumer, CancellationToken ct)
    {
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

    /// <summary>Decodes and validates one record into the batch: a valid row, or a reject and its dead letter.</summary>
    private void Add(PreparedBatch batch, ConsumeResult<byte[], byte[]> record)
    {
        batch.Consumed(record);
        if (!TryDecode(record, out var raw, out var decodeError))
        {
            Log.PoisonEvent(logger, entityName, record.Topic, record.Partition.Value, record.Offset.Value, decodeError);
            var lineage = new Lineage($"kafka:{record.TopicPartitionOffset}", 0, record.Offset.Value);
            var poison = new RejectRecord(entityName, lineage, UndecodableEvent, null, decodeError, Convert.ToHexString(record.Message.Value ?? []));
            batch.Rejects.Add(poison);
            batch.DeadLetters.Add(DeadLetter(record, poison));
            return;
        }

        var redriven = RedriveHeader.IsOn(record.Message.Headers);
        var validated = pipeline.Validator.Validate(raw);
        if (validated.IsValid)
        {
            batch.Rows.Add(validated.Row!);
        }
        else
        {
            var rejection = validated.Rejection!;
            var reject = new RejectRecord(entityName, raw.Lineage, rejection.Rule, rejection.Field, rejection.Message,
                RawRowText.Of(raw, entity), Convert.ToBase64String(record.Message.Value ?? []));
            batch.Rejects.Add(reject);
            batch.DeadLetters.Add(DeadLetter(record, reject));
        }

        batch.Processed.Add(new ProcessedRow(raw.Lineage.SourceFile, record.Partition.Value, raw.Lineage.Line, !validated.IsValid, redriven));
    }

    private async Task ApplyAsync(PreparedBatch batch, CancellationToken ct)
    {
        PublishDeadLetters(batch.DeadLetters, ct);
        await ApplyWithRetryAsync(new StoreBatch<T>(batch.Rows, batch.Rejects, batch.Processed), ct).ConfigureAwait(false);
        metrics.RowsApplied(entity, batch.Rows.Count);
        metrics.RowsRejected(entity, batch.Rejects.Count);
        metrics.BatchApplied(entity, batch.Stopwatch.Elapsed);
        Log.BatchApplied(logger, entityName, batch.Rows.Count, batch.Rejects.Count, batch.Stopwatch.ElapsedMilliseconds);
    }

    /// <summary>One batch as it fills: what its store transaction applies, its dead letters, the offsets to store after it.</summary>
    private sealed class PreparedBatch(int capacity)
    {
        private readonly Dictionary<(string Topic, Partition Partition), Offset> lastOffsets = [];

        public Stopwatch Stopwatch { get; } = Stopwatch.StartNew();

        public int Count { get; private set; }

        public List<T> Rows { get; } = new(capacity);

        public List<RejectRecord> Rejects { get; } = [];

        public List<ProcessedRow> Processed { get; } = new(capacity);

        public List<Message<byte[], byte[]>> DeadLetters { get; } = [];

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

    private bool TryDecode(ConsumeResult<byte[], byte[]> record, out RawRow raw, out string error)
    {
        try
        {
            raw = serializer.Deserialize(record.Message.Value ?? []);
            error = "";
            return true;
        }
        catch (AvroContractException e)
        {
            raw = null!;
            error = e.Message;
            return false;
        }
    }

    private Message<byte[], byte[]> DeadLetter(ConsumeResult<byte[], byte[]> record, RejectRecord reject)
    {
        var deadLetter = new RejectedRowEvent(entity, reject.Lineage, reject.Rule, reject.Field, reject.Message,
            reject.RawRow, record.Message.Value ?? []);
        return new Message<byte[], byte[]>
        {
            Key = record.Message.Key,
            Value = RejectedRowSerializer.Instance.Serialize(deadLetter),
            Headers = new Headers
            {
                { "opowerstream.rule", Encoding.UTF8.GetBytes(reject.Rule) },
                { "opowerstream.source.topic", Encoding.UTF8.GetBytes(record.Topic) },
                { "opowerstream.source.partition", Encoding.UTF8.GetBytes(record.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
                { "opowerstream.source.offset", Encoding.UTF8.GetBytes(record.Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            },
        };
    }

    /// <summary>Dead letters are acknowledged before the batch commits, so a reject is never only in the store.</summary>
    private void PublishDeadLetters(List<Message<byte[], byte[]>> deadLetters, CancellationToken ct)
    {
        if (deadLetters.Count == 0)
        {
            return;
        }

        var topic = topics.DeadLetter(entity);
        var deliveries = new DeliveryTracker();
        foreach (var message in deadLetters)
        {
            producer.Produce(topic, message, deliveries.OnDelivery, ct);
        }

        producer.Producer.Flush(ct);
        deliveries.EnsureAllAcknowledged(deadLetters.Count, topic);
    }

    /// <summary>Transient store failures (database down, file locked) are retried with capped backoff; offsets wait.</summary>
    private async Task ApplyWithRetryAsync(StoreBatch<T> batch, CancellationToken ct)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await pipeline.ApplyAsync(storeHost.Store, batch, ct).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.BatchRetry(logger, entityName, attempt, (long)delay.TotalMilliseconds, e);
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
            }
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
}
