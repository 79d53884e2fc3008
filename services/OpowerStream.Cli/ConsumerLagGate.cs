using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpowerStream.Consumers;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Kafka;

namespace OpowerStream.Cli;

/// <summary>
/// Backpressure for a one-process run on the embedded broker, whose partitions keep only a few MB:
/// closed while any entity's consumer group lags more than <c>Extractor:MaxConsumerLag</c> records on
/// a partition. It flushes the producer before measuring, because lag only shows what the broker has.
/// </summary>
public sealed class ConsumerLagGate : IPublishGate, IDisposable
{
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LagQueryTimeout = TimeSpan.FromSeconds(10);
    private readonly KafkaProducerHandle producer;
    private readonly int maxLag;
    private readonly ILogger<ConsumerLagGate> logger;
    private readonly List<ConsumerLagMonitor> monitors;

    public ConsumerLagGate(
        KafkaProducerHandle producer,
        IOptions<KafkaOptions> kafka,
        IOptions<ConsumerOptions> consumers,
        IOptions<ExtractorOptions> extractor,
        TopicNames topics,
        ILogger<ConsumerLagGate> logger)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(consumers);
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(topics);
        this.producer = producer;
        this.logger = logger;
        maxLag = extractor.Value.MaxConsumerLag;
        monitors = Enum.GetValues<Entity>()
            .Select(entity => new ConsumerLagMonitor(
                kafka.Value.BootstrapServers!, consumers.Value.GroupId(entity.Name()), [topics.Rows(entity)], kafka.Value.ConsumerSettings()))
            .ToList();
    }

    public ValueTask WaitUntilOpenAsync(CancellationToken ct)
    {
        producer.Producer.Flush(ct);
        return LagGateWait.WhileAboveAsync(WorstLag, maxLag, RecheckInterval, logger, ct);
    }

    public void Dispose() => monitors.ForEach(monitor => monitor.Dispose());

    private LocalPartitionLag? WorstLag() =>
        monitors.SelectMany(monitor => monitor.Measure(LagQueryTimeout)).MaxBy(partition => partition.Lag) is { } worst
            ? new LocalPartitionLag(worst.Topic, worst.Partition, worst.Lag)
            : null;
}
