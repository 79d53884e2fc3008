using Confluent.Kafka;
using OpowerStream.Testing;

namespace OpowerStream.Kafka.Tests;

public sealed class TopicAdminTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private static readonly Dictionary<string, string> QuickAdminRequests = new() { ["socket.timeout.ms"] = "3000" };

    [Fact]
    public async Task Ensuring_topics_that_exist_succeeds_every_time_and_keeps_them_as_they_are()
    {
        var topics = kafka.CreateTopics("ensure-existing", partitions: 2);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            await TopicAdmin.EnsureTopicsAsync(kafka.BootstrapServers, topics.All, partitions: 5, replicationFactor: 1, clientConfig: null, CancellationToken.None);
        }

        Assert.All(PartitionCounts(topics.All), count => Assert.Equal(2, count));
    }

    [Fact]
    public async Task A_missing_topic_is_created_on_kafka_while_the_mock_refuses_admin_creation()
    {
        var topic = $"{kafka.CreateTopics("ensure-missing").Prefix}.extra";

        // The Admin API's request timeout follows socket.timeout.ms: the mock then gives up in seconds, not a minute.
        var ensure = TopicAdmin.EnsureTopicsAsync(
            kafka.BootstrapServers, [topic], partitions: 2, replicationFactor: 1, QuickAdminRequests, CancellationToken.None);

        if (kafka.IsMock)
        {
            var refusal = await Assert.ThrowsAnyAsync<KafkaException>(() => ensure);
            Assert.Equal(ErrorCode.Local_TimedOut, refusal.Error.Code);
            Assert.Contains("controller", refusal.Message, StringComparison.Ordinal);
        }
        else
        {
            await ensure;
            Assert.Equal([2], PartitionCounts([topic]));
        }
    }

    private List<int> PartitionCounts(IEnumerable<string> topics)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(TestClients.Patience);
        return topics.Select(name => metadata.Topics.Single(t => t.Topic == name).Partitions.Count).ToList();
    }
}
