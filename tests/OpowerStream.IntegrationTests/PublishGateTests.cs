using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpowerStream.Cli;
using OpowerStream.Consumers;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Kafka;
using OpowerStream.Testing;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// The extractor's backpressure for brokers that keep little: the in-process gate of <c>run</c> (fed by hand:
/// what the process knows of each row partition decides), and the gate of an extractor whose consumers run
/// elsewhere (the groups' committed offsets on the broker decide).
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class PublishGateTests(KafkaFixture kafka)
{
    [Fact]
    public async Task The_gate_stays_closed_while_a_row_partition_holds_more_unread_records_than_allowed_and_opens_once_they_are_read()
    {
        var topics = new TopicNames(KafkaFixture.UniqueGroup("gate"));
        using var producer = new KafkaProducerHandle(Options.Create(new KafkaOptions { BootstrapServers = kafka.BootstrapServers }));
        var progress = new PartitionProgress();
        var gate = new InProcessLagGate(producer, progress, topics, Options.Create(new ExtractorOptions { MaxConsumerLag = 300 }),
            NullLogger<InProcessLagGate>.Instance);
        Assert.True(gate.WaitUntilOpenAsync(CancellationToken.None).AsTask().IsCompleted);

        var intervals = progress.For(topics.Rows(Entity.Interval));
        intervals.Acknowledged(3, 999);
        var waiting = gate.WaitUntilOpenAsync(CancellationToken.None).AsTask();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(waiting.IsCompleted);

        intervals.Consumed(3, 600, 1000);
        await Task.Delay(TimeSpan.FromMilliseconds(100));
        Assert.False(waiting.IsCompleted);

        intervals.Consumed(3, 700, 1000);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        progress.For(topics.Rows(Entity.Rate)).Acknowledged(0, 400);
        using var stop = new CancellationTokenSource();
        var closedByRates = gate.WaitUntilOpenAsync(stop.Token).AsTask();
        Assert.False(closedByRates.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => closedByRates);
    }

    [Fact]
    public async Task The_separate_extractors_gate_stays_closed_until_the_consumer_group_commits_within_reach()
    {
        var topics = kafka.CreateTopics("lag-gate", partitions: 1);
        var kafkaOptions = Options.Create(new KafkaOptions { BootstrapServers = kafka.BootstrapServers });
        var consumerOptions = Options.Create(new ConsumerOptions { GroupPrefix = KafkaFixture.UniqueGroup("lag-gate") });
        using var producer = new KafkaProducerHandle(kafkaOptions);
        var deliveries = new DeliveryTracker();
        for (var i = 0; i < 1000; i++)
        {
            producer.Produce(topics.Rows(Entity.Interval), new Message<byte[], byte[]> { Key = [1], Value = [2] }, deliveries.OnDelivery, CancellationToken.None);
        }

        using var gate = new ConsumerLagGate(producer, kafkaOptions, consumerOptions, Options.Create(new ExtractorOptions { MaxConsumerLag = 300 }),
            topics, NullLogger<ConsumerLagGate>.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var waiting = gate.WaitUntilOpenAsync(stop.Token).AsTask();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(waiting.IsCompleted);
        deliveries.EnsureAllAcknowledged(1000, "the test's rows");

        var group = consumerOptions.Value.GroupId(Entity.Interval.Name());
        using (var committer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = group }).Build())
        {
            committer.Commit([new TopicPartitionOffset(topics.Rows(Entity.Interval), 0, 700)]);
        }

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
