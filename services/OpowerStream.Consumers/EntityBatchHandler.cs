using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using OpowerStream.Consumers.Failures;
using OpowerStream.Consumers.Processing;
using OpowerStream.Domain;
using OpowerStream.Hosting;
using OpowerStream.Kafka;
using OpowerStream.Kafka.Consuming;
using OpowerStream.Storage;

namespace OpowerStream.Consumers;

/// <summary>
/// Binds one entity's processor to Kafka and the store: records become <see cref="ConsumedRecord"/>s
/// for the processor; a batch's dead letters are published and acknowledged, then its rows, rejects
/// and per-file counts are applied in one store transaction under the failure policy.
/// </summary>
internal sealed class EntityBatchHandler<T>(
    EntityPipeline<T> pipeline,
    EntityBatchProcessor<T> processor,
    IBatchApplyStore store,
    KafkaProducerHandle producer,
    string deadLetterTopic,
    StoreRetry retry,
    PipelineMetrics metrics,
    ILogger logger) : IBatchHandler<EntityBatchHandler<T>.Batch>
    where T : class
{
    private readonly string entityName = pipeline.Entity.Name();

    public Batch NewBatch(int capacity) => new(new ProcessedBatch<T>(capacity));

    public void Add(Batch batch, ConsumeResult<byte[], byte[]> record)
    {
        var consumed = new ConsumedRecord(record.Topic, record.Partition.Value, record.Offset.Value,
            record.Message.Key, record.Message.Value, HeadersOf(record.Message.Headers));
        if (processor.Add(batch.Processed, consumed) is { } decodeError)
        {
            Log.PoisonEvent(logger, entityName, record.Topic, record.Partition.Value, record.Offset.Value, decodeError);
        }
    }

    public async Task ApplyAsync(Batch batch, CancellationToken ct)
    {
        var processed = batch.Processed;
        using var span = StartSpan(batch);
        try
        {
            await PublishDeadLettersAsync(processed.DeadLetters, ct).ConfigureAwait(false);
            var storeBatch = processed.ToStoreBatch();
            await retry.ApplyAsync(c => pipeline.ApplyAsync(store, storeBatch, c), ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }

        span?.SetTag("opowerstream.rows.applied", processed.Rows.Count).SetTag("opowerstream.rows.rejected", processed.Rejects.Count);
        metrics.RowsApplied(pipeline.Entity, processed.Rows.Count);
        foreach (var rule in processed.Rejects.CountBy(r => r.Rule))
        {
            metrics.RowsRejected(pipeline.Entity, rule.Key, rule.Value);
        }

        metrics.BatchApplied(pipeline.Entity, batch.Stopwatch.Elapsed);
        Log.BatchApplied(logger, entityName, processed.Rows.Count, processed.Rejects.Count, batch.Stopwatch.ElapsedMilliseconds);
    }

    /// <summary>
    /// The batch's span, from its first record to its commit, linked to the span of each file whose row events
    /// it holds: a batch mixes files and a file spans batches, so links, not parents. Null when nobody listens.
    /// </summary>
    private Activity? StartSpan(Batch batch)
    {
        if (!PipelineTracing.Source.HasListeners())
        {
            return null;
        }

        var processed = batch.Processed;
        var links = processed.FileTraces.Values.Select(context => new ActivityLink(context));
        var span = PipelineTracing.Source.StartActivity(PipelineTracing.BatchSpan, ActivityKind.Consumer, parentContext: default,
            tags: null, links, batch.Started);
        span?.SetTag("opowerstream.entity", entityName)
            .SetTag("messaging.system", "kafka")
            .SetTag("messaging.operation.type", "process")
            .SetTag("messaging.batch.message_count", processed.Records);
        return span;
    }

    private static List<RecordHeader> HeadersOf(Headers? headers) =>
        headers is null ? [] : [.. headers.Select(h => new RecordHeader(h.Key, h.GetValueBytes()))];

    /// <summary>Dead letters are acknowledged before the batch commits, so a reject is never only in the store.</summary>
    private async Task PublishDeadLettersAsync(List<DeadLetter> deadLetters, CancellationToken ct)
    {
        if (deadLetters.Count == 0)
        {
            return;
        }

        var deliveries = new DeliveryTracker();
        foreach (var deadLetter in deadLetters)
        {
            var headers = new Headers();
            foreach (var header in deadLetter.Headers)
            {
                headers.Add(header.Name, header.Value);
            }

            producer.Produce(deadLetterTopic, new Message<byte[], byte[]> { Key = deadLetter.Key!, Value = deadLetter.Value, Headers = headers },
                deliveries.OnDelivery, ct);
        }

        await deliveries.EnsureAllAcknowledgedAsync(deadLetters.Count, deadLetterTopic, ct).ConfigureAwait(false);
    }

    /// <summary>The processor's batch, timed from its first record.</summary>
    internal sealed class Batch(ProcessedBatch<T> processed)
    {
        public ProcessedBatch<T> Processed { get; } = processed;

        public Stopwatch Stopwatch { get; } = Stopwatch.StartNew();

        public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;
    }
}
