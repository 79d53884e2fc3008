using OpowerStream.Domain;
using OpowerStream.Testing;

namespace OpowerStream.Kafka.Tests;

/// <summary>What Kafka itself can say about a group's live members before a replay moves its offsets.</summary>
public sealed class ConsumerGroupReplayTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [BrokerFact(realKafka: true, needs: "DescribeConsumerGroups")]
    public void Real_Kafka_names_a_live_member_and_a_replay_of_its_group_is_refused()
    {
        var topic = kafka.CreateTopics("live-member", partitions: 1).Rows(Entity.Rate);
        TestClients.ProduceNumbered(kafka.BootstrapServers, topic, count: 3);
        var group = KafkaFixture.UniqueGroup("live-member");
        using var member = TestClients.GroupMember(kafka.BootstrapServers, group);
        member.Subscribe(topic);
        TestClients.ConsumeUntil(member, expected: 3);
        using var replay = new ConsumerGroupReplay(kafka.BootstrapServers, group, null, TestClients.Patience);

        var members = replay.ActiveMembers();

        Assert.NotNull(members);
        Assert.Single(members);
        var refusal = Assert.Throws<ConsumerGroupActiveException>(() => replay.Execute(replay.Plan(topic, new ReplayToEarliest())));
        Assert.Equal(members, refusal.Members);
        member.Close();
    }

    [BrokerFact(realKafka: false)]
    public void The_mock_broker_cannot_describe_groups_so_the_members_recorded_in_the_store_decide()
    {
        var topic = kafka.CreateTopics("unknown-members", partitions: 1).Rows(Entity.Rate);
        using var replay = new ConsumerGroupReplay(kafka.BootstrapServers, KafkaFixture.UniqueGroup("unknown-members"), null, TestClients.Patience);

        Assert.Null(replay.ActiveMembers());
        Assert.Single(replay.ReadPositions(topic));
    }
}
