using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Kafka;

namespace OpowerStream.Cli;

/// <summary>
/// Backpressure for <c>run</c>, where the extractor and every consumer share the process and a broker whose
/// partitions keep only a few MB (the embedded one): closed while a row topic's partition holds more than
/// <c>Extractor:MaxConsumerLag</c> records this process's consumer has not read, counting every message
/// the producer has not had acknowledged yet as if all were bound for that partition. It reads what the
/// process already knows (<see cref="PartitionProgress"/>, the producer's queue length), so it neither
/// flushes the producer nor asks the broker: the extractor keeps producing while the consumers keep up.
/// (<see cref="ConsumerLagGate"/> is the gate for an extractor whose consumers run elsewhere.)
/// </summary>
public sealed class InProcessLagGate(
    KafkaProducerHandle producer,
    PartitionProgress progress,
    TopicNames topics,
    IOptions<ExtractorOptions> extractor,
    ILogger<InProcessLagGate> logger) : IPublishGate
{
    private const string NothingAcknowledgedYet = "(no row topic acknowledged yet)";
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(10);
    private readonly int maxLag = extractor.Value.MaxConsumerLag;
    private readonly string[] rowTopics = [.. Enum.GetValues<Entity>().Select(topics.Rows)];

    public ValueTask WaitUntilOpenAsync(CancellationToken ct) =>
        LagGateWait.WhileAboveAsync(WorstLag, maxLag, RecheckInterval, logger, ct);

    private LocalPartitionLag WorstLag()
    {
        // Flush with no wait returns at once: the number of messages not yet acknowledged.
        var unacknowledged = producer.Producer.Flush(TimeSpan.Zero);
        var worst = progress.WorstLag(rowTopics) ?? new LocalPartitionLag(NothingAcknowledgedYet, -1, 0);
        return worst with { Lag = worst.Lag + unacknowledged };
    }
}
