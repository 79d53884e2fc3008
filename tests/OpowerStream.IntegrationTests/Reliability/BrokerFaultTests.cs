using Confluent.Kafka;
using OpowerStream.Cli;
using OpowerStream.Extractor;
using OpowerStream.Kafka;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests.Reliability;

/// <summary>
/// Broker faults injected through librdkafka's mock cluster while the whole pipeline runs. Every test
/// starts a cluster of its own: faults on the shared broker would disturb the tests running beside it.
/// </summary>
public sealed class BrokerFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_leader_broker_down_while_files_are_published_and_another_down_while_they_are_consumed_loses_nothing()
    {
        using var cluster = MockKafkaCluster.Start(brokerCount: 3);
        await using var scenario = Scenario(cluster, "broker-down");
        var truth = ReliabilityData.Generate(scenario.Inbox, seed: 71, servicePoints: 40, days: 62, intervalMinutes: 60);
        using var host = scenario.BuildHost(consumers: null, extractor: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        // Partition p of every topic is led by broker p + 1. Broker 1 is down when the extractor starts producing.
        foreach (var topic in scenario.Topics.All)
        {
            for (var partition = 0; partition < 3; partition++)
            {
                cluster.SetPartitionLeader(topic, partition, partition + 1);
            }
        }

        cluster.SetBrokerDown(1);
        var run = PipelineHost.RunOnceAsync(host, IdleTimeout, timeout.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));
        cluster.SetBrokerUp(1);

        // Once the consumers applied their first rows, broker 2 goes down and its partition moves to broker 3.
        Assert.True(await ReliabilityData.WaitUntilAsync(async () => await ReliabilityData.RowsAccountedAsync(scenario) > 0, TimeSpan.FromSeconds(60)));
        cluster.SetBrokerDown(2);
        var accountedAtFault = await ReliabilityData.RowsAccountedAsync(scenario);
        foreach (var topic in scenario.Topics.All)
        {
            cluster.SetPartitionLeader(topic, 1, 3);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        cluster.SetBrokerUp(2);

        var result = await run;

        Assert.True(result.Succeeded, "The run did not reconcile every file; see the log.");
        Assert.True(accountedAtFault < truth.Files.Sum(f => f.Rows), "Broker 2 went down only after everything was consumed: the test proved nothing.");
        await ReliabilityData.AssertStoreMatchesAsync(scenario, truth);
    }

    [Fact]
    public async Task Produce_fetch_and_offset_commit_errors_are_retried_and_the_result_is_exact()
    {
        using var cluster = MockKafkaCluster.Start(brokerCount: 3);
        await using var scenario = Scenario(cluster, "request-errors");
        var truth = ReliabilityData.Generate(scenario.Inbox, seed: 72, servicePoints: 30, days: 45, intervalMinutes: 60);
        cluster.PushRequestErrors(KafkaApiKey.Produce,
            ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas, ErrorCode.LeaderNotAvailable, ErrorCode.NotLeaderForPartition);
        cluster.PushRequestErrors(KafkaApiKey.Fetch,
            ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.LeaderNotAvailable, ErrorCode.NotLeaderForPartition);
        cluster.PushRequestErrors(KafkaApiKey.OffsetCommit,
            ErrorCode.RequestTimedOut, ErrorCode.NotCoordinatorForGroup, ErrorCode.GroupLoadInProgress, ErrorCode.RequestTimedOut);
        using var log = new RecordingLoggerProvider();
        using var host = scenario.BuildHost(consumers: null, extractor: true, log);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var result = await PipelineHost.RunOnceAsync(host, IdleTimeout, timeout.Token);

        Assert.True(result.Succeeded, "The run did not reconcile every file; see the log.");
        Assert.All(result.Outcomes, o => Assert.Equal(FileOutcomeKind.Published, o.Kind));
        // The injected fetch errors reached a consumer, which went on instead of stopping.
        Assert.Contains(log.Messages, m => m.Contains("the broker reported", StringComparison.Ordinal));
        await ReliabilityData.AssertStoreMatchesAsync(scenario, truth);
    }

    /// <summary>Short reconnect backoff, so a broker that is back is used again within a second, not ten.</summary>
    private PipelineScenario Scenario(MockKafkaCluster cluster, string name)
    {
        var scenario = PipelineScenario.OnPrivateCluster(cluster, storeLocation: null, output, name, replicationFactor: 3);
        scenario.Settings["Consumers:MaxBatchSize"] = "200";
        foreach (var client in new[] { "Producer", "Consumer" })
        {
            scenario.Settings[$"Kafka:{client}:reconnect.backoff.max.ms"] = "500";
            scenario.Settings[$"Kafka:{client}:retry.backoff.ms"] = "50";
        }

        return scenario;
    }
}
