using Confluent.Kafka;

namespace OpowerStream.IntegrationTests;

/// <summary>Reads a topic's records from the beginning of every partition, without a group join (fast).</summary>
internal static class TopicReader
{
    public static List<ConsumeResult<byte[], byte[]>> Read(string bootstrapServers, string topic, int partitions, int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "topic-reader",
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record?.Message is not null)
            {
                records.Add(record);
            }
        }

        // Anything beyond what was expected would be a duplicate: look a little longer.
        var extra = consumer.Consume(TimeSpan.FromMilliseconds(300));
        if (extra?.Message is not null)
        {
            records.Add(extra);
        }

        return records;
    }
}
