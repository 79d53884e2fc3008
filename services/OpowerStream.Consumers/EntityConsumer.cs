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
    private static readonly TimeSpan FirstAssignmentPatience = TimeSpan.FromSeconds(20);

    /// <summary>The longest a poll waits for a record, so the loop reports liveness and lag while idle.</summary>
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(1);

    private readonly Entity entity = pipeline.Entity;
    private readonly string entityName = pipeline.Entity.Name();
    private readonly RawRowSerializer serializer = RawRowSerializer.For(pipeline.Entity);
    private readonly ConsumerOptions options = consumerOptions.Value;
    private readonly HealthComponent status = health.Component($"consumer:{pipeline.Entity.Name()}");

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => ConsumeAsync(stoppingToken), stoppingToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task ConsumeAsync(CancellationToken ct)
    {
        var topic = topics.Rows(entity);
        var group = options.GroupId(entityName);
        // Recorded before joining the group and removed after leaving it (disposed after the consumer below).
        await using var membership = await ConsumerMembership.StartAsync(storeHost.Store, group, entityName, logger, ct).ConfigureAwait(false);
        var everAssigned = false;
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(kafkaOptions.Value, group))
            .SetPartitionsAssignedHandler((c, assigned) =>
            {
                everAssigned = true;
                Log.PartitionsAssigned(logger, entityName, string.Join(",", assigned.Select(p => p.Partition.Value)));
                return KafkaClientConfigs.StartPositions(c, assigned, CommittedLookupTimeout);
            })
            .SetPartitionsRevokedHandler((_, revoked) =>
            {
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
                var records = NextBatch(consumer, ct);
                if (records.Count > 0)
                {
                    await ApplyAsync(records, ct).ConfigureAwait(false);
                    StoreOffsets(consumer, records);
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
            if (!everAssigned)
            {
                AwaitFirstAssignment(consumer, () => everAssigned);
            }

            consumer.Close();
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
    /// librdkafka 2.0.2 aborts the whole process (assertion in rd_kafka_sticky_assignor_state_destroy,
    /// librdkafka#4312, fixed in 2.3.0) when a cooperative-sticky member is closed before its first
    /// assignment, e.g. a service stopped during its first seconds. So such a consumer first waits,
    /// bounded, for that assignment. Records it receives meanwhile are neither applied nor their offsets
    /// stored: the group delivers them again.
    /// </summary>
    private static void AwaitFirstAssignment(IConsumer<byte[], byte[]> consumer, Func<bool> assigned)
    {
        var waited = Stopwatch.StartNew();
        while (!assigned() && waited.Elapsed < FirstAssignmentPatience)
        {
            try
            {
                consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (KafkaException)
            {
                // Broker trouble while stopping: keep waiting until the patience runs out.
            }
        }
    }

    private List<ConsumeResult<byte[], byte[]>> NextBatch(IConsumer<byte[], byte[]> consumer, CancellationToken ct)
    {
        var records = new List<ConsumeResult<byte[], byte[]>>();
        ct.ThrowIfCancellationRequested();
        var first = ConsumeOrReport(() => consumer.Consume(PollTimeout));
        if (first?.Message is null)
        {
            return records;
        }

        records.Add(first);
        var deadline = Stopwatch.StartNew();
        while (records.Count < options.MaxBatchSize)
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

            records.Add(next);
        }

        return records;
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

    private async Task ApplyAsync(List<ConsumeResult<byte[], byte[]>> records, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var rows = new List<T>(records.Count);
        var rejects = new List<RejectRecord>();
        var processed = new List<ProcessedRow>(records.Count);
        var deadLetters = new List<Message<byte[], byte[]>>();
        foreach (var record in records)
        {
            if (!TryDecode(record, out var raw, out var decodeError))
            {
                Log.PoisonEvent(logger, entityName, record.Topic, record.Partition.Value, record.Offset.Value, decodeError);
                var lineage = new Lineage($"kafka:{record.TopicPartitionOffset}", 0, record.Offset.Value);
                var poison = new RejectRecord(entityName, lineage, UndecodableEvent, null, decodeError, Convert.ToHexString(record.Message.Value ?? []));
                rejects.Add(poison);
                deadLetters.Add(DeadLetter(record, poison));
                continue;
            }

            var redriven = RedriveHeader.IsOn(record.Message.Headers);
            var validated = pipeline.Validator.Validate(raw);
            if (validated.IsValid)
            {
                rows.Add(validated.Row!);
            }
            else
            {
                var rejection = validated.Rejection!;
                var reject = new RejectRecord(entityName, raw.Lineage, rejection.Rule, rejection.Field, rejection.Message,
                    RawRowText.Of(raw, entity), Convert.ToBase64String(record.Message.Value ?? []));
                rejects.Add(reject);
                deadLetters.Add(DeadLetter(record, reject));
            }

            processed.Add(new ProcessedRow(raw.Lineage.SourceFile, record.Partition.Value, raw.Lineage.Line, !validated.IsValid, redriven));
        }

        PublishDeadLetters(deadLetters, ct);
        await ApplyWithRetryAsync(new StoreBatch<T>(rows, rejects, processed), ct).ConfigureAwait(false);
        metrics.RowsApplied(entity, rows.Count);
        metrics.RowsRejected(entity, rejects.Count);
        metrics.BatchApplied(entity, stopwatch.Elapsed);
        Log.BatchApplied(logger, entityName, rows.Count, rejects.Count, stopwatch.ElapsedMilliseconds);
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

    private static void StoreOffsets(IConsumer<byte[], byte[]> consumer, List<ConsumeResult<byte[], byte[]>> records)
    {
        foreach (var last in records.GroupBy(r => r.TopicPartition).Select(g => g.MaxBy(r => r.Offset.Value)!))
        {
            try
            {
                consumer.StoreOffset(last);
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_State)
            {
                // The partition was revoked meanwhile; its new owner re-reads the batch, which is harmless.
            }
        }
    }
}
