using Confluent.Kafka;

namespace OpowerStream.Kafka.Tests;

/// <summary>Producing and reading back test records, so each test states only what it checks.</summary>
internal static class TestClients
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static KafkaOptions Options(string bootstrapServers) => new() { BootstrapServers = bootstrapServers };

    /// <summary>Produces keyed records <c>key-i</c> / <c>value-i</c> and waits until every one is acknowledged.</summary>
    public static void ProduceNumbered(string bootstrapServers, string topic, int count, int firstNumber = 0)
    {
        using var producer = new ProducerBuilder<string, string>(KafkaClientConfigs.Producer(Options(bootstrapServers))).Build();
        var failures = new List<Error>();
        for (var i = firstNumber; i < firstNumber + count; i++)
        {
            producer.Produce(topic, new Message<string, string> { Key = $"key-{i}", Value = $"value-{i}" }, report =>
            {
                if (report.Error.IsError)
                {
                    lock (failures)
                    {
                        failures.Add(report.Error);
                    }
                }
            });
        }

        Assert.Equal(0, producer.Flush(Patience));
        Assert.Empty(failures);
    }

    /// <summary>Produces <paramref name="count"/> records to one partition and waits until they are acknowledged.</summary>
    public static void ProduceTo(string bootstrapServers, TopicPartition partition, int count)
    {
        using var producer = new ProducerBuilder<string, string>(KafkaClientConfigs.Producer(Options(bootstrapServers))).Build();
        for (var i = 0; i < count; i++)
        {
            producer.Produce(partition, new Message<string, string> { Key = $"key-{i}", Value = $"value-{i}" });
        }

        Assert.Equal(0, producer.Flush(Patience));
    }

    /// <summary>A consumer with the product's settings that starts partitions the group never committed at the beginning.</summary>
    public static IConsumer<string, string> GroupMember(string bootstrapServers, string groupId)
    {
        var options = Options(bootstrapServers);
        // The mock waits up to a second less than the session timeout for late joiners; keep that short.
        options.Consumer["session.timeout.ms"] = "6000";
        return new ConsumerBuilder<string, string>(KafkaClientConfigs.Consumer(options, groupId))
            .SetPartitionsAssignedHandler((consumer, assigned) => KafkaClientConfigs.StartPositions(consumer, assigned, Patience))
            .Build();
    }

    /// <summary>Reads a topic's partitions from the beginning without a group until <paramref name="expected"/> records arrived.</summary>
    public static List<ConsumeResult<string, string>> ReadFromBeginning(string bootstrapServers, string topic, int partitions, int expected)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "unused-reader",
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
        };
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        return ConsumeUntil(consumer, expected);
    }

    public static List<ConsumeResult<string, string>> ConsumeUntil(IConsumer<string, string> consumer, int expected)
    {
        var results = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow + Patience;
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }
}
