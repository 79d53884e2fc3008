using Confluent.Kafka;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Kafka;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests.Reliability;

/// <summary>
/// Poison events beyond those of <c>RatePipelineTests.Undecodable_events_are_dead_lettered_and_the_partition_keeps_flowing</c>
/// (bytes that are not Avro, an unknown schema fingerprint, a truncated record): records whose
/// single-object header is right but whose body is not, an empty value and a tombstone. Each is
/// dead-lettered as undecodable_event and the partition keeps flowing.
/// </summary>
public sealed class PoisonEventTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Records_with_a_valid_header_and_a_broken_body_an_empty_value_or_no_value_are_dead_lettered_and_the_partition_flows()
    {
        using var cluster = MockKafkaCluster.Start();
        await using var scenario = PipelineScenario.OnPrivateCluster(cluster, storeLocation: null, output, "poison-body");
        var good = RawRowSerializer.For(Entity.Rate).Serialize(new RawRow(new Lineage("x", 1, 2), ["SA-1", "R", "2020-01-01", null, null]));
        var header = good[..10];
        byte[]?[] poisons =
        [
            [.. header, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // a varint longer than 64 bits
            [.. header, 0x7F, (byte)'a', (byte)'b'],                                      // a string of length -64
            [.. header, 0x02, (byte)'a', 0x04],                                           // a union branch that does not exist, then nothing
            header,                                                                       // the header alone
            [],                                                                           // an empty value
            null,                                                                         // a tombstone
        ];
        using (var producer = new ProducerBuilder<byte[], byte[]?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            // Same key as the file's row: the poison sits ahead of it in the same partition.
            foreach (var poison in poisons)
            {
                await producer.ProduceAsync(scenario.Topics.Rows(Entity.Rate), new Message<byte[], byte[]?> { Key = "SA-1"u8.ToArray(), Value = poison });
            }
        }

        scenario.Drop(AccountFileName(20200101000000), Accounts(("SA-1", "R1", "2020-01-01")));

        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);

        Assert.Equal(["SA-1,R1,2020-01-01T00:00:00Z,"], Lines(await scenario.RatesAsync(), 4));
        var rejects = Lines(await scenario.RejectsAsync(), 4);
        Assert.Equal(poisons.Length, rejects.Length);
        Assert.All(rejects, r => Assert.Matches(@"^rates,kafka:.*,\d+,undecodable_event$", r));
        var deadLetters = ConsumerLag.Get(cluster.BootstrapServers, "dlq-count", [scenario.Topics.DeadLetter(Entity.Rate)], null, TimeSpan.FromSeconds(10));
        Assert.Equal(poisons.Length, deadLetters.Sum(p => p.HighWatermark));
    }
}
