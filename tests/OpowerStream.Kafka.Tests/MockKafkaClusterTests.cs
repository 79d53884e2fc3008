using Confluent.Kafka;

namespace OpowerStream.Kafka.Tests;

public sealed class MockKafkaClusterTests
{
    [Fact]
    public async Task A_keyed_message_round_trips_through_the_mock()
    {
        using var cluster = MockKafkaCluster.Start();
        cluster.CreateTopic("round-trip", partitions: 2);

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            var delivery = await producer.ProduceAsync("round-trip", new Message<string, string> { Key = "SP-1", Value = "42.5" });
            Assert.Equal(PersistenceStatus.Persisted, delivery.Status);
        }

        var read = Assert.Single(TestClients.ReadFromBeginning(cluster.BootstrapServers, "round-trip", partitions: 2, expected: 1));
        Assert.Equal("SP-1", read.Message.Key);
        Assert.Equal("42.5", read.Message.Value);
    }

    [Fact]
    public void A_second_client_bootstraps_from_the_advertised_servers_and_sees_every_broker_and_topic()
    {
        using var cluster = MockKafkaCluster.Start(brokerCount: 3);
        cluster.CreateTopic("seen", partitions: 4, replicationFactor: 3);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        var metadata = admin.GetMetadata("seen", TestClients.Patience);

        Assert.Equal([1, 2, 3], metadata.Brokers.Select(b => b.BrokerId).Order());
        var topic = Assert.Single(metadata.Topics);
        Assert.Equal(4, topic.Partitions.Count);
        Assert.All(topic.Partitions, p => Assert.Equal(3, p.Replicas.Length));
    }

    [Fact]
    public void Creating_an_existing_topic_again_keeps_the_topic_and_its_records()
    {
        using var cluster = MockKafkaCluster.Start();
        cluster.CreateTopic("twice", partitions: 1);
        TestClients.ProduceNumbered(cluster.BootstrapServers, "twice", count: 3);

        cluster.CreateTopic("twice", partitions: 1);

        Assert.Equal(3, TestClients.ReadFromBeginning(cluster.BootstrapServers, "twice", partitions: 1, expected: 3).Count);
    }

    [Fact]
    public void A_failing_native_call_says_what_it_tried_and_why()
    {
        using var cluster = MockKafkaCluster.Start();

        var error = Assert.Throws<KafkaException>(() => cluster.SetBrokerDown(brokerId: 7));

        Assert.Contains("set broker 7 down", error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.BrokerNotAvailable, error.Error.Code);
    }

    [Fact]
    public async Task Pushed_request_errors_fail_the_next_requests_of_that_kind()
    {
        using var cluster = MockKafkaCluster.Start();
        cluster.CreateTopic("faulty", partitions: 1);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        var warmUp = await producer.ProduceAsync("faulty", new Message<Null, string> { Value = "before" });
        Assert.Equal(PersistenceStatus.Persisted, warmUp.Status);

        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.MsgSizeTooLarge);

        var refused = await Assert.ThrowsAsync<ProduceException<Null, string>>(
            () => producer.ProduceAsync("faulty", new Message<Null, string> { Value = "refused" }));
        Assert.Equal(ErrorCode.MsgSizeTooLarge, refused.Error.Code);
        var after = await producer.ProduceAsync("faulty", new Message<Null, string> { Value = "after" });
        Assert.Equal(PersistenceStatus.Persisted, after.Status);
    }

    [Fact]
    public void A_partition_leader_moves_to_the_named_broker()
    {
        using var cluster = MockKafkaCluster.Start(brokerCount: 2);
        cluster.CreateTopic("led", partitions: 2, replicationFactor: 2);

        cluster.SetPartitionLeader("led", partition: 1, brokerId: 2);
        cluster.SetPartitionLeader("led", partition: 0, brokerId: 1);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        var partitions = Assert.Single(admin.GetMetadata("led", TestClients.Patience).Topics).Partitions;
        Assert.Equal(1, partitions.Single(p => p.PartitionId == 0).Leader);
        Assert.Equal(2, partitions.Single(p => p.PartitionId == 1).Leader);
    }

    [Fact]
    public void Messages_produced_while_the_broker_is_down_all_arrive_once_after_it_is_back()
    {
        using var cluster = MockKafkaCluster.Start();
        cluster.CreateTopic("outage", partitions: 3);
        var options = TestClients.Options(cluster.BootstrapServers);
        using var producer = new ProducerBuilder<string, string>(KafkaClientConfigs.Producer(options)).Build();
        Produce(producer, 0, 100);
        Assert.Equal(0, producer.Flush(TestClients.Patience));

        cluster.SetBrokerDown(1);
        Produce(producer, 100, 100);
        var stuck = producer.Flush(TimeSpan.FromSeconds(1));
        cluster.SetBrokerUp(1);

        Assert.True(stuck > 0, "the broker was down, so some messages should have waited");
        Assert.Equal(0, producer.Flush(TestClients.Patience));
        var values = TestClients.ReadFromBeginning(cluster.BootstrapServers, "outage", partitions: 3, expected: 200)
            .Select(r => r.Message.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"value-{i}").Order(), values.Order());
    }

    private static void Produce(IProducer<string, string> producer, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            producer.Produce("outage", new Message<string, string> { Key = $"key-{i}", Value = $"value-{i}" });
        }
    }
}
