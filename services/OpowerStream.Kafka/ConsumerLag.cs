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

    /// <summary>
    /// Reads a group's committed offsets and the partitions' watermarks, through a consumer that never joins
    /// the group (it does not subscribe), so measuring does not trigger a rebalance.
    /// </summary>
    public static IReadOnlyList<PartitionLag> Get(
        string bootstrapServers,
        string groupId,
        IEnumerable<string> topics,
        IReadOnlyDictionary<string, string>? clientConfig,
        TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        ArgumentNullException.ThrowIfNull(topics);

        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
        };
        foreach (var (property, value) in clientConfig ?? new Dictionary<string, string>())
        {
            config.Set(property, value);
        }

        using var consumer = new ConsumerBuilder<Ignore, Ignore>(config).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();

        var wanted = topics.ToHashSet(StringComparer.Ordinal);
        var partitions = admin.GetMetadata(timeout).Topics
            .Where(topic => wanted.Contains(topic.Topic) && topic.Error.Code == ErrorCode.NoError)
            .SelectMany(topic => topic.Partitions.Select(p => new TopicPartition(topic.Topic, p.PartitionId)))
            .OrderBy(tp => tp.Topic, StringComparer.Ordinal)
            .ThenBy(tp => tp.Partition.Value)
            .ToList();
        var missing = wanted.Except(partitions.Select(tp => tp.Topic)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Cannot measure lag: unknown topic(s) {string.Join(", ", missing)}.");
        }

        return consumer.Committed(partitions, timeout)
            .Select(committed =>
            {
                var watermarks = consumer.QueryWatermarkOffsets(committed.TopicPartition, timeout);
                var start = committed.Offset == Offset.Unset ? watermarks.Low.Value : committed.Offset.Value;
                return new PartitionLag(
                    committed.Topic,
                    committed.Partition.Value,
                    committed.Offset == Offset.Unset ? NoCommittedOffset : committed.Offset.Value,
                    watermarks.High.Value,
                    Math.Max(0, watermarks.High.Value - start));
            })
            .ToList();
    }
}
