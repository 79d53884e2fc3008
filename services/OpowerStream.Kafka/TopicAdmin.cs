using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace OpowerStream.Kafka;

public static class TopicAdmin
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Creates the topics the cluster's metadata does not show yet; a topic created meanwhile by someone
    /// else counts as success. Checking first matters for the mock cluster, whose Admin API cannot create topics.
    /// </summary>
    public static async Task EnsureTopicsAsync(
        string bootstrapServers,
        IEnumerable<string> topics,
        int partitions,
        short replicationFactor,
        IReadOnlyDictionary<string, string>? clientConfig,
        CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentNullException.ThrowIfNull(topics);

        var config = new AdminClientConfig { BootstrapServers = bootstrapServers };
        foreach (var (property, value) in clientConfig ?? new Dictionary<string, string>())
        {
            config.Set(property, value);
        }

        using var admin = new AdminClientBuilder(config).Build();
        var existing = await Task.Run(() => ExistingTopics(admin), ct).ConfigureAwait(false);
        var missing = topics.Distinct(StringComparer.Ordinal).Where(topic => !existing.Contains(topic)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var specifications = missing.Select(topic => new TopicSpecification
        {
            Name = topic,
            NumPartitions = partitions,
            ReplicationFactor = replicationFactor,
        });
        try
        {
            await admin.CreateTopicsAsync(specifications).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another process created some of them between our metadata check and our request.
        }
    }

    private static HashSet<string> ExistingTopics(IAdminClient admin) =>
        admin.GetMetadata(MetadataTimeout).Topics
            .Where(topic => topic.Error.Code == ErrorCode.NoError)
            .Select(topic => topic.Topic)
            .ToHashSet(StringComparer.Ordinal);
}
