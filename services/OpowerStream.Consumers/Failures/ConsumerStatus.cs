using OpowerStream.Hosting.Health;
using OpowerStream.Domain;
using OpowerStream.Hosting;
using OpowerStream.Kafka;
using OpowerStream.Kafka.Consuming;

namespace OpowerStream.Consumers.Failures;

/// <summary>
/// A consumer's health component, lag metrics and read positions (for an extractor in the same process),
/// fed by its Kafka loop and its failure policy: while a permanent failure lasts, readiness names it,
/// whatever the loop reports.
/// </summary>
public sealed class ConsumerStatus(Entity entity, HealthComponent component, PipelineMetrics metrics, PartitionProgress progress) : IBatchLoopReporter
{
    private volatile string? failure;

    public void Beat() => component.Beat();

    public void Ready(string detail)
    {
        if (failure is { } reason)
        {
            component.NotReady(reason);
        }
        else
        {
            component.Ready(detail);
        }
    }

    public void NotReady(string reason) => component.NotReady(failure ?? reason);

    public void Stopped(string reason) => component.Stopped(reason);

    public void Read(string topic, int partition, long position, long highWatermark)
    {
        metrics.ConsumerLag(entity, topic, partition, Math.Max(0, highWatermark - position));
        progress.For(topic).Consumed(partition, position, highWatermark);
    }

    public void Released(string topic, IReadOnlyList<int> partitions) => metrics.PartitionsReleased(entity, topic, partitions);

    /// <summary>Readiness answers 503 with <paramref name="reason"/> until <see cref="Recovered"/>.</summary>
    public void Failing(string reason)
    {
        failure = reason;
        component.NotReady(reason);
    }

    public void Recovered() => failure = null;
}
