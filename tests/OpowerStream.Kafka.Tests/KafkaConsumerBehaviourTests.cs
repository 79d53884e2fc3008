using Confluent.Kafka;
using OpowerStream.Domain;
using OpowerStream.Testing;

namespace OpowerStream.Kafka.Tests;

/// <summary>The product's client settings, verified against the broker (the mock unless KAFKA_BOOTSTRAP_SERVERS is set).</summary>
public sealed class KafkaConsumerBehaviourTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public void The_idempotent_lz4_producer_delivers_every_keyed_record()
    {
        var topic = kafka.CreateTopics("producer").Rows(Entity.Interval);

        TestClients.ProduceNumbered(kafka.BootstrapServers, topic, count: 1000);

        var read = TestClients.ReadFromBeginning(kafka.BootstrapServers, topic, partitions: 3, expected: 1000);
        Assert.Equal(1000, read.Count);
        Assert.All(read, r => Assert.Equal(r.Message.Key.Replace("key-", "value-", StringComparison.Ordinal), r.Message.Value));
        Assert.Equal(1000, read.Select(r => r.Message.Key).Distinct().Count());
    }

    [Fact]
    public void Two_members_of_a_group_split_six_partitions_and_together_read_every_record_once()
    {
        var topic = kafka.CreateTopics("split", partitions: 6).Rows(Entity.Interval);
        var group = KafkaFixture.UniqueGroup("split");
        using var first = TestClients.GroupMember(kafka.BootstrapServers, group);
        using var second = TestClients.GroupMember(kafka.BootstrapServers, group);
        first.Subscribe(topic);
        second.Subscribe(topic);
        PollUntil([first, second], () => first.Assignment.Count > 0 && second.Assignment.Count > 0
            && first.Assignment.Count + second.Assignment.Count == 6);

        TestClients.ProduceNumbered(kafka.BootstrapServers, topic, count: 600);
        var readByFirst = new List<string>();
        var readBySecond = new List<string>();
        PollUntil([first, second], () => readByFirst.Count + readBySecond.Count >= 600, (member, record) =>
            (member == first ? readByFirst : readBySecond).Add(record.Message.Value));

        Assert.Empty(first.Assignment.Intersect(second.Assignment));
        Assert.Equal(6, first.Assignment.Union(second.Assignment).Count());
        Assert.NotEmpty(readByFirst);
        Assert.NotEmpty(readBySecond);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => $"value-{i}").Order(), readByFirst.Concat(readBySecond).Order());
        first.Close();
        second.Close();
    }

    [Fact]
    public void A_new_group_fails_without_the_start_positions_and_reads_from_the_beginning_with_them()
    {
        var topic = kafka.CreateTopics("new-group", partitions: 1).Rows(Entity.Rate);
        TestClients.ProduceNumbered(kafka.BootstrapServers, topic, count: 10);
        var options = TestClients.Options(kafka.BootstrapServers);

        using (var unguided = new ConsumerBuilder<string, string>(KafkaClientConfigs.Consumer(options, KafkaFixture.UniqueGroup("unguided"))).Build())
        {
            unguided.Subscribe(topic);
            var refusal = Assert.Throws<ConsumeException>(() => TestClients.ConsumeUntil(unguided, expected: 1));
            Assert.Equal(ErrorCode.Local_AutoOffsetReset, refusal.Error.Code);
            unguided.Close();
        }

        using var member = TestClients.GroupMember(kafka.BootstrapServers, KafkaFixture.UniqueGroup("guided"));
        member.Subscribe(topic);
        var read = TestClients.ConsumeUntil(member, expected: 10);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), read.Select(r => r.Offset.Value));
        member.Close();
    }

    [Fact]
    public void A_committed_offset_beyond_the_log_is_reported_as_out_of_range_and_not_skipped()
    {
        var topic = kafka.CreateTopics("out-of-range", partitions: 1).Rows(Entity.ServiceQuantity);
        TestClients.ProduceNumbered(kafka.BootstrapServers, topic, count: 5);
        var group = KafkaFixture.UniqueGroup("out-of-range");
        using (var committer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = group }).Build())
        {
            committer.Commit([new TopicPartitionOffset(topic, 0, 100)]);
        }

        using var member = TestClients.GroupMember(kafka.BootstrapServers, group);
        member.Subscribe(topic);
        var failure = Assert.Throws<ConsumeException>(() => TestClients.ConsumeUntil(member, expected: 1));

        Assert.Equal(ErrorCode.Local_AutoOffsetReset, failure.Error.Code);
        Assert.True(KafkaClientConfigs.IsOffsetOutOfRange(failure.Error));
        var outOfRange = new OffsetOutOfRangeException(failure);
        Assert.Equal(new TopicPartition(topic, 0), outOfRange.Partition);
        Assert.Contains($"{topic} partition 0", outOfRange.Message, StringComparison.Ordinal);
        Assert.Null(member.Consume(TimeSpan.FromMilliseconds(500)));
        member.Close();
    }

    [Fact]
    public void Lag_shows_the_committed_offset_and_what_is_left_per_partition()
    {
        var topic = kafka.CreateTopics("lag", partitions: 2).Rows(Entity.Interval);
        TestClients.ProduceTo(kafka.BootstrapServers, new TopicPartition(topic, 0), count: 10);
        TestClients.ProduceTo(kafka.BootstrapServers, new TopicPartition(topic, 1), count: 4);
        var group = KafkaFixture.UniqueGroup("lag");
        using (var member = new ConsumerBuilder<string, string>(KafkaClientConfigs.Consumer(TestClients.Options(kafka.BootstrapServers), group)).Build())
        {
            member.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
            foreach (var record in TestClients.ConsumeUntil(member, expected: 6))
            {
                member.StoreOffset(record);
            }

            member.Commit();
        }

        var lag = ConsumerLag.Get(kafka.BootstrapServers, group, [topic], clientConfig: null, TestClients.Patience);

        Assert.Equal(
            [new PartitionLag(topic, 0, 6, 10, 4), new PartitionLag(topic, 1, ConsumerLag.NoCommittedOffset, 4, 4)],
            lag);
    }

    [Fact]
    public void Lag_of_an_unknown_topic_is_an_error_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ConsumerLag.Get(
            kafka.BootstrapServers, KafkaFixture.UniqueGroup("lag"), ["no-such-topic-anywhere"], clientConfig: null, TestClients.Patience));

        Assert.Contains("no-such-topic-anywhere", error.Message, StringComparison.Ordinal);
    }

    private static void PollUntil(
        IReadOnlyList<IConsumer<string, string>> members,
        Func<bool> done,
        Action<IConsumer<string, string>, ConsumeResult<string, string>>? onRecord = null)
    {
        var deadline = DateTime.UtcNow + TestClients.Patience;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the group did not get there in time");
            foreach (var member in members)
            {
                if (member.Consume(TimeSpan.FromMilliseconds(50)) is { } record)
                {
                    Assert.NotNull(onRecord);
                    onRecord(member, record);
                    member.StoreOffset(record);
                }
            }
        }
    }
}
