using Confluent.Kafka;
using Confluent.Kafka.Admin;
using OpowerStream.Domain;
using OpowerStream.Testing;

namespace OpowerStream.Kafka.Tests;

/// <summary>
/// Consumer-group behaviour of librdkafka 2.16 that the product's code depends on, on brokers of its own: what the
/// embedded broker sets, which 2.0.2 workarounds are no longer needed, and which still are.
/// </summary>
public sealed class GroupProtocolTests
{
    private const string Topic = "group-protocol";

    [Fact]
    public void The_brokers_initial_rebalance_delay_holds_back_a_new_groups_first_assignment()
    {
        using var cluster = MockKafkaCluster.Start();
        using var member = MemberOfANewGroupWaitingAMinute(cluster, "delayed");

        PollFor(member, TimeSpan.FromSeconds(4));

        Assert.Empty(member.Assignment);
        member.Close();
    }

    [Fact]
    public void The_embedded_broker_assigns_a_new_groups_first_member_without_the_default_three_second_delay()
    {
        var topics = new TopicNames("no-delay");
        using var broker = EmbeddedBroker.Start(topics, partitions: 2);
        using var member = TestClients.GroupMember(broker.BootstrapServers, KafkaFixture.UniqueGroup("undelayed"));
        member.Subscribe(topics.Rows(Entity.Rate));

        PollFor(member, TimeSpan.FromSeconds(2), until: () => member.Assignment.Count == 2);

        Assert.Equal(2, member.Assignment.Count);
        member.Close();
    }

    [Fact]
    public void A_cooperative_sticky_member_closed_before_its_first_assignment_leaves_cleanly()
    {
        // librdkafka 2.0.2 aborted the process here (librdkafka#4312, fixed in 2.3.0), so consumers used to wait for
        // their first assignment before closing. Were it still so, this test process would die.
        using var cluster = MockKafkaCluster.Start();
        using var member = MemberOfANewGroupWaitingAMinute(cluster, "early-close");
        PollFor(member, TimeSpan.FromMilliseconds(500));
        Assert.Empty(member.Assignment);

        var closing = Record.Exception(member.Close);

        Assert.Null(closing);
    }

    [Fact]
    public void The_kip_848_consumer_protocol_is_an_option_that_reads_every_record_with_the_products_settings()
    {
        using var cluster = MockKafkaCluster.Start();
        cluster.CreateTopic(Topic, 3);
        TestClients.ProduceNumbered(cluster.BootstrapServers, Topic, count: 30);
        var options = TestClients.Options(cluster.BootstrapServers);
        options.Consumer["group.protocol"] = "consumer";
        var config = KafkaClientConfigs.Consumer(options, KafkaFixture.UniqueGroup("kip848"));
        Assert.Null(config.PartitionAssignmentStrategy);

        using var member = new ConsumerBuilder<string, string>(config)
            .SetPartitionsAssignedHandler((consumer, assigned) => KafkaClientConfigs.StartPositions(consumer, assigned, TestClients.Patience))
            .Build();
        member.Subscribe(Topic);
        var read = TestClients.ConsumeUntil(member, expected: 30);

        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"value-{i}").Order(), read.Select(r => r.Message.Value).Order());
        member.Close();
    }

    [Fact]
    public void The_mock_cluster_still_refuses_a_member_less_offset_change_of_a_group_it_knows_so_replay_keeps_its_sole_member_commit()
    {
        using var cluster = MockKafkaCluster.Start();
        cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
        cluster.CreateTopic(Topic, 1);
        var group = KafkaFixture.UniqueGroup("member-less");
        using (var member = TestClients.GroupMember(cluster.BootstrapServers, group))
        {
            member.Subscribe(Topic);
            PollFor(member, TestClients.Patience, until: () => member.Assignment.Count == 1);
            member.Close();
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        var refusal = Assert.ThrowsAny<AlterConsumerGroupOffsetsException>(() => admin.AlterConsumerGroupOffsetsAsync(
                [new ConsumerGroupTopicPartitionOffsets(group, [new TopicPartitionOffset(Topic, 0, 0)])])
            .GetAwaiter().GetResult());

        Assert.Contains(refusal.Results.Single().Partitions, p => p.Error.Code == ErrorCode.UnknownMemberId);
    }

    /// <summary>A subscribed member of a new group on a cluster whose brokers hold a new group's first assignment for a minute.</summary>
    private static IConsumer<string, string> MemberOfANewGroupWaitingAMinute(MockKafkaCluster cluster, string group)
    {
        cluster.SetGroupInitialRebalanceDelay(TimeSpan.FromMinutes(1));
        cluster.CreateTopic(Topic, 2);
        var member = TestClients.GroupMember(cluster.BootstrapServers, KafkaFixture.UniqueGroup(group));
        member.Subscribe(Topic);
        return member;
    }

    private static void PollFor(IConsumer<string, string> member, TimeSpan time, Func<bool>? until = null)
    {
        var deadline = DateTime.UtcNow + time;
        while (DateTime.UtcNow < deadline && until?.Invoke() != true)
        {
            member.Consume(TimeSpan.FromMilliseconds(50));
        }
    }
}
