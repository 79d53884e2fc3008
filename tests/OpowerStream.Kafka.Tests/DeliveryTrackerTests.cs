using Confluent.Kafka;
using OpowerStream.Testing;

namespace OpowerStream.Kafka.Tests;

/// <summary>Waiting for one group's delivery reports on a producer the whole process shares.</summary>
public sealed class DeliveryTrackerTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task Waiting_for_a_groups_reports_returns_once_each_is_acknowledged_and_records_where_each_partition_reaches()
    {
        var topic = kafka.CreateTopics("delivery", partitions: 2).Files;
        using var producer = new KafkaProducerHandle(Microsoft.Extensions.Options.Options.Create(TestClients.Options(kafka.BootstrapServers)));
        var progress = new PartitionProgress();
        var deliveries = new DeliveryTracker(progress.For(topic));
        for (var i = 0; i < 50; i++)
        {
            producer.Produce(topic, new Message<byte[], byte[]> { Key = [(byte)i], Value = [1] }, deliveries.OnDelivery, CancellationToken.None);
        }

        await deliveries.EnsureAllAcknowledgedAsync(50, "test rows", CancellationToken.None).WaitAsync(TestClients.Patience);

        Assert.Equal(50, deliveries.Acknowledged);
        // Nobody read the two partitions: the fuller one holds at least half of the 50 acknowledged records.
        Assert.InRange(progress.For(topic).WorstLag()!.Lag, 25, 50);
    }

    [Fact]
    public async Task A_message_no_broker_takes_fails_the_wait_with_its_error()
    {
        // Nothing listens on port 1: the message times out.
        var options = TestClients.Options("127.0.0.1:1");
        options.Producer["message.timeout.ms"] = "500";
        using var producer = new KafkaProducerHandle(Microsoft.Extensions.Options.Options.Create(options));
        var deliveries = new DeliveryTracker();
        producer.Produce("nowhere", new Message<byte[], byte[]> { Key = [1], Value = [1] },
            deliveries.OnDelivery, CancellationToken.None);

        var error = await Assert.ThrowsAsync<KafkaException>(() =>
            deliveries.EnsureAllAcknowledgedAsync(1, "test row", CancellationToken.None).WaitAsync(TestClients.Patience));

        Assert.Equal(1, deliveries.Failed);
        Assert.NotEqual(ErrorCode.NoError, error.Error.Code);
    }
}
