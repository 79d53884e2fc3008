using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpowerStream.Consumers.Failures;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Hosting;
using OpowerStream.Hosting.Health;
using OpowerStream.Kafka;
using OpowerStream.Kafka.Consuming;
using OpowerStream.Kafka.SchemaRegistry;

namespace OpowerStream.Consumers;

/// <summary>
/// One entity's consumer service: wires the entity's processor, the shared Kafka batch loop and the
/// store. The loop is at-least-once (offsets stored only after the batch's store transaction
/// committed); the processor decides what each record becomes; <see cref="StoreRetry"/> is the
/// failure policy. Scale out by starting more instances with the same group: Kafka splits the partitions.
/// </summary>
public sealed class EntityConsumer<T>(
    EntityPipeline<T> pipeline,
    StoreHost storeHost,
    KafkaProducerHandle producer,
    EventFraming framing,
    TopicNames topics,
    IOptions<KafkaOptions> kafkaOptions,
    IOptions<ConsumerOptions> consumerOptions,
    PipelineMetrics metrics,
    PartitionProgress progress,
    ServiceHealth health,
    IHostApplicationLifetime lifetime,
    ILogger<EntityConsumer<T>> logger) : BackgroundService
    where T : class
{
    /// <summary>The process exit code after a permanent failure outlasted <see cref="ConsumerOptions.ExitAfterPermanentFailure"/>.</summary>
    public const int PermanentFailureExitCode = 3;

    private readonly string entityName = pipeline.Entity.Name();
    private readonly ConsumerOptions options = consumerOptions.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Consume(stoppingToken), stoppingToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // Runs on its own thread: the loop blocks in Kafka's poll, and its consumer is used from this thread only.
    private void Consume(CancellationToken ct)
    {
        var group = options.GroupId(entityName);
        var status = new ConsumerStatus(pipeline.Entity, health.Component($"consumer:{entityName}"), metrics, progress);
        var deadLetterTopic = topics.DeadLetter(pipeline.Entity);
        var processor = pipeline.Processor(framing.Registry, framing.For(deadLetterTopic, RejectedRowSerializer.Instance));
        var handler = new EntityBatchHandler<T>(pipeline, processor, storeHost.Store, producer, deadLetterTopic,
            new StoreRetry(pipeline.Entity, options, status, metrics, logger), metrics, logger);
        var loop = new KafkaBatchLoop<EntityBatchHandler<T>.Batch>(
            new BatchLoopSettings(entityName, topics.Rows(pipeline.Entity), group, options.MaxBatchSize, options.MaxBatchWait),
            KafkaClientConfigs.Consumer(kafkaOptions.Value, group), handler, status, logger);

        // Recorded before joining the group and removed after leaving it, so replay sees this member.
        var membership = ConsumerMembership.StartAsync(storeHost.Store, group, entityName, logger, ct).GetAwaiter().GetResult();
        try
        {
            loop.Run(ct);
        }
        catch (PermanentFailureException)
        {
            // Logged by the policy; an orchestrator restarts the process on the non-zero exit.
            Environment.ExitCode = PermanentFailureExitCode;
            lifetime.StopApplication();
        }
        finally
        {
            membership.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
