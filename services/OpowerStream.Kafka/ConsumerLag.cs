using Confluent.Kafka;

namespace OpowerStream.Kafka;

/// <summary>
/// How far a group is behind in one partition. <see cref="CommittedOffset"/> is -1 when the group has
/// committed nothing there; it will then start at the beginning, so the lag counts every retained record.
/// </summary>
public sealed record PartitionLag(string Topic, int Partition, long CommittedOffset, long HighWatermark, long Lag);

public static class ConsumerLag
{
    public const long NoCommittedOffset = -1;

    /// <summary>One measurement of a group's lag; see <see cref="ConsumerLagMonitor"/> to measure repeatedly.</summary>
    public static IReadOnlyList<PartitionLag> Get(
        string bootstrapServers,
        string groupId,
        IEnumerable<string> topics,
        IReadOnlyDictionary<string, string>? clientConfig,
        TimeSpan timeout)
    {
        using var monitor = new ConsumerLagMonitor(bootstrapServers, groupId, topics, clientConfig);
        return monitor.Measure(timeout);
    }
}

/// <summary>
/// Measures a group's lag again and again through one consumer that never joins the group (it does
/// not subscribe), so measuring neither triggers a rebalance nor pays for a new client each time.
/// </summary>
public sealed class ConsumerLagMonitor : IDisposable
{
    private readonly IConsumer<Ignore, Ignore> consumer;
    private readonly HashSet<string> topics;
    private List<TopicPartition>? partitions;

    public ConsumerLagMonitor(
        string bootstrapServers,
        string groupId,
        IEnumerable<string> topics,
        IReadOnlyDictionary<string, string>? clientConfig)
    {
        ArgumentNullException.ThrowIfNull(topics);
        this.topics = topics.ToHashSet(StringComparer.Ordinal);
        consumer = new ConsumerBuilder<Ignore, Ignore>(KafkaClientConfigs.GroupReader(bootstrapServers, groupId, clientConfig)).Build();
    }

    public IReadOnlyList<PartitionLag> Measure(TimeSpan timeout)
    {
        partitions ??= Partitions(timeout);
        return consumer.Committed(partitions, timeout)
            .Select(committed =>
            {
                var watermarks = consumer.QueryWatermarkOffsets(committed.TopicPartition, timeout);
                var start = committed.Offset == Offset.Unset ? watermarks.Low.Value : committed.Offset.Value;
                return new PartitionLag(
                    committed.Topic,
                    committed.Partition.Value,
                    committed.Offset == Offset.Unset ? ConsumerLag.NoCommittedOffset : committed.Offset.Value,
                    watermarks.High.Value,
                    Math.Max(0, watermarks.High.Value - start));
            })
            .ToList();
    }

    public void Dispose() => consumer.Dispose();

    private List<TopicPartition> Partitions(TimeSpan timeout)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var found = admin.GetMetadata(timeout).Topics
            .Where(topic => topics.Contains(topic.Topic) && topic.Error.Code == ErrorCode.NoError)
            .SelectMany(topic => topic.Partitions.Select(p => new TopicPartition(topic.Topic, p.PartitionId)))
            .OrderBy(tp => tp.Topic, StringComparer.Ordinal)
            .ThenBy(tp => tp.Partition.Value)
            .ToList();
        var missing = topics.Except(found.Select(tp => tp.Topic)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Cannot measure lag: unknown topic(s) {string.Join(", ", missing)}.");
        }

        return found;
    }
}
