using Confluent.Kafka;
using OpowerStream.Domain;

namespace OpowerStream.Kafka.Tests;

public sealed class EmbeddedBrokerTests
{
    [Fact]
    public void The_embedded_broker_serves_every_product_topic_with_the_partition_count()
    {
        var topics = new TopicNames("embedded");
        using var broker = EmbeddedBroker.Start(topics, partitions: 4);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var served = admin.GetMetadata(TestClients.Patience).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);

        Assert.All(topics.All, topic => Assert.Equal(4, served[topic]));
    }

    [Fact]
    public void A_record_published_to_the_embedded_broker_can_be_read_back()
    {
        var topics = new TopicNames("embedded");
        using var broker = EmbeddedBroker.Start(topics, partitions: 2);

        TestClients.ProduceNumbered(broker.BootstrapServers, topics.Rows(Entity.Rate), count: 3);

        Assert.Equal(3, TestClients.ReadFromBeginning(broker.BootstrapServers, topics.Rows(Entity.Rate), partitions: 2, expected: 3).Count);
    }
}
