using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Kafka;
using OpowerStream.Samples;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.ServiceEndpoints;

namespace OpowerStream.IntegrationTests.Reliability;

/// <summary>
/// The consumers' failure policy (README, "Failure policy") against real <c>consume intervals</c>
/// processes on a private PostgreSQL: a transient outage longer than <c>max.poll.interval.ms</c> is
/// waited out inside the group; an error no retry can fix is named on <c>/readyz</c>, and after the fix
/// the state is exact.
/// </summary>
public sealed partial class ConsumerFailurePolicyTests(ITestOutputHelper output)
{
    private const string RefuseAll = "opowerstream_test_refuse_all";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task PostgreSQL_down_longer_than_max_poll_interval_keeps_two_consumer_processes_in_their_group_and_ends_exact()
    {
        await using var postgres = await PrivatePostgres.StartAsync(output);
        using var cluster = MockKafkaCluster.Start();
        await using var scenario = PipelineScenario.OnPrivateCluster(cluster, $"postgres:{postgres.ConnectionString}", output, "pg-long-outage");
        var truth = IntervalFiles(scenario, seed: 17);
        var group = KafkaFixture.UniqueGroup("pg-long-outage");
        var consumers = new List<(OpowerStreamProcess Process, Uri Health)>();
        try
        {
            consumers.Add(StartConsumer(cluster, scenario, group));
            consumers.Add(StartConsumer(cluster, scenario, group));
            await WaitUntilPartitionsSharedAsync(consumers);
            Assert.All(await PublishAsync(scenario), o => Assert.Equal(FileOutcomeKind.Published, o.Kind));
            Assert.True(await ReliabilityData.WaitUntilAsync(async () => await ReliabilityData.RowsAccountedAsync(scenario) > 0, Patience));

            var logsBeforeOutage = consumers.Select(c => c.Process.Stdout.Length).ToList();
            await postgres.StopImmediatelyAsync();
            await Task.Delay(MaxPollInterval + TimeSpan.FromSeconds(5));

            // Still members, each with its partitions, while the store is gone.
            var owned = new List<int>();
            foreach (var (process, health) in consumers)
            {
                Assert.False(process.HasExited, process.Stderr);
                owned.Add(OwnedPartitions((await GetAsync(health, "/readyz")).Body));
            }

            Assert.Equal(3, owned.Sum());
            await postgres.StartAgainAsync();

            await AssertExactAsync(scenario, truth);
            for (var i = 0; i < consumers.Count; i++)
            {
                var since = consumers[i].Process.Stdout[logsBeforeOutage[i]..];
                Assert.DoesNotContain("partitions revoked", since, StringComparison.Ordinal);
                Assert.DoesNotContain("partitions assigned", since, StringComparison.Ordinal);
            }

            // The long apply was polled through with paused partitions (what kept the members in the group).
            Assert.Contains(consumers, c => c.Process.Stdout.Contains("partitions paused", StringComparison.Ordinal));
            await StopAllAsync(consumers, group);
        }
        finally
        {
            consumers.ForEach(c => c.Process.Dispose());
        }
    }

    [Fact]
    public async Task A_check_constraint_refusing_every_row_is_named_on_readyz_and_after_it_is_dropped_the_state_is_exact()
    {
        await using var postgres = await PrivatePostgres.StartAsync(output);
        using var cluster = MockKafkaCluster.Start();
        await using var scenario = PipelineScenario.OnPrivateCluster(cluster, $"postgres:{postgres.ConnectionString}", output, "pg-check");
        var truth = IntervalFiles(scenario, seed: 23);
        var group = KafkaFixture.UniqueGroup("pg-check");
        var consumers = new List<(OpowerStreamProcess Process, Uri Health)> { StartConsumer(cluster, scenario, group) };
        try
        {
            await WaitUntilPartitionsSharedAsync(consumers);
            await ExecuteAsync(postgres, $"ALTER TABLE intervals ADD CONSTRAINT {RefuseAll} CHECK (false) NOT VALID");
            Assert.All(await PublishAsync(scenario), o => Assert.Equal(FileOutcomeKind.Published, o.Kind));

            var (process, health) = consumers[0];
            var refused = await WaitForReadinessAsync(health, process, (status, body) => status == HttpStatusCode.ServiceUnavailable && body.Contains(RefuseAll, StringComparison.Ordinal));
            Assert.Contains("permanent store failure", refused, StringComparison.Ordinal);
            var (_, metrics, _) = await GetAsync(health, "/metrics");
            Assert.True(Sample(metrics, "opowerstream_consumer_permanent_failures_total{entity=\"intervals\"}") > 0, metrics);
            Assert.Equal(0, await scenario.WithStoreAsync(async store => await store.ReadIntervalsAsync(CancellationToken.None).CountAsync()));

            // Several retries later, still one ERROR line: it is logged at most once a minute.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Single(FailureLines().Matches(process.Stdout));

            await ExecuteAsync(postgres, $"ALTER TABLE intervals DROP CONSTRAINT {RefuseAll}");
            await WaitForReadinessAsync(health, process, (status, body) => status == HttpStatusCode.OK && !body.Contains(RefuseAll, StringComparison.Ordinal));
            await AssertExactAsync(scenario, truth);
            await StopAllAsync(consumers, group);
        }
        finally
        {
            consumers.ForEach(c => c.Process.Dispose());
        }
    }

    [Fact]
    public async Task With_ExitAfterPermanentFailure_set_a_consumer_that_cannot_apply_exits_non_zero()
    {
        await using var postgres = await PrivatePostgres.StartAsync(output);
        using var cluster = MockKafkaCluster.Start();
        await using var scenario = PipelineScenario.OnPrivateCluster(cluster, $"postgres:{postgres.ConnectionString}", output, "pg-exit");
        IntervalFiles(scenario, seed: 29);
        var group = KafkaFixture.UniqueGroup("pg-exit");
        var consumers = new List<(OpowerStreamProcess Process, Uri Health)>
        {
            StartConsumer(cluster, scenario, group, ("Consumers__ExitAfterPermanentFailure", "00:00:02")),
        };
        try
        {
            await WaitUntilPartitionsSharedAsync(consumers);
            await ExecuteAsync(postgres, $"ALTER TABLE intervals ADD CONSTRAINT {RefuseAll} CHECK (false) NOT VALID");
            await PublishAsync(scenario);

            var exit = await consumers[0].Process.WaitForExitAsync(Patience);

            Assert.Equal(3, exit.ExitCode);
            Assert.Contains("longer than Consumers:ExitAfterPermanentFailure", exit.Stdout, StringComparison.Ordinal);
            Assert.Contains(RefuseAll, exit.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            consumers.ForEach(c => c.Process.Dispose());
        }
    }

    /// <summary>A generation's interval files only (the processes consume intervals); returns their truth per file.</summary>
    private static IntervalTruth IntervalFiles(PipelineScenario scenario, long seed)
    {
        var generated = SampleGenerator.Generate(new GeneratorOptions
        {
            OutputDirectory = scenario.Inbox,
            ServicePoints = 40,
            Days = 7,
            IntervalMinutes = 15,
            Seed = seed,
            ErrorRate = 0.01,
        });
        File.Delete(generated.ManifestPath);
        foreach (var other in generated.Files.Where(f => f.Entity != Entity.Interval))
        {
            File.Delete(other.Path);
        }

        return new IntervalTruth(generated);
    }

    private sealed class IntervalTruth(GenerationResult generated)
    {
        public GenerationResult Generated { get; } = generated;

        public IReadOnlyDictionary<string, GeneratedFile> Files { get; } = generated.Files.Where(f => f.Entity == Entity.Interval)
            .ToDictionary(f => Path.GetFileName(f.Path), StringComparer.Ordinal);

        public long Rows => Files.Values.Sum(f => f.Rows);
    }

    /// <summary>Every file reconciled with the generator's numbers, the stored intervals as many and as large as it says.</summary>
    private static async Task AssertExactAsync(PipelineScenario scenario, IntervalTruth truth)
    {
        var deadline = DateTime.UtcNow + Patience;
        IReadOnlyList<FileReconciliation> files;
        while (true)
        {
            files = await scenario.WithStoreAsync(async store => await store.GetFilesAsync(CancellationToken.None));
            if (files.Count == truth.Files.Count && files.All(f => f.Reconciles) && files.Sum(f => f.RowsRead) == truth.Rows)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"Not reconciled: {string.Join("; ", files.Select(f => $"{f.FileName} {f.RowsRead}/{f.RowsApplied}/{f.RowsRejected}"))}");
            await Task.Delay(250);
        }

        foreach (var file in files)
        {
            var expected = truth.Files[file.FileName];
            Assert.Equal((expected.Rows, expected.ExpectedApplied, expected.BadRows), (file.RowsRead, file.RowsApplied, file.RowsRejected));
        }

        var intervals = await scenario.WithStoreAsync(async store => await store.ReadIntervalsAsync(CancellationToken.None).ToListAsync());
        Assert.Equal(truth.Generated.ExpectedStored(Entity.Interval), intervals.Count);
        Assert.Equal(truth.Generated.TotalsFor(Entity.Interval).ValueSum, intervals.Sum(r => r.UsageValue));
    }

    private (OpowerStreamProcess Process, Uri Health) StartConsumer(
        MockKafkaCluster cluster, PipelineScenario scenario, string group, params (string Name, string Value)[] extra)
    {
        var port = FreePort();
        var process = OpowerStreamProcess.Start(output, Path.GetTempPath(),
            ["consume", "intervals", "--bootstrap-servers", cluster.BootstrapServers, "--group", group,
             "--store", scenario.StoreLocation, "--health-port", port.ToString(CultureInfo.InvariantCulture)],
            [
                ("Kafka__TopicPrefix", scenario.Topics.Prefix),
                ("Consumers__MaxBatchSize", "100"),
                ("Consumers__MaxBatchWait", "00:00:00.050"),
                ("Consumers__MaxRetryDelay", "00:00:01"),
                ("Kafka__Consumer__session.timeout.ms", "4000"),
                ("Kafka__Consumer__heartbeat.interval.ms", "500"),
                // Short, so that the outage outlasts it: a member that stopped polling would be dropped.
                ("Kafka__Consumer__max.poll.interval.ms", ((int)MaxPollInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
                ("Kafka__Consumer__auto.commit.interval.ms", "500"),
                ("Logging__LogLevel__Default", "Information"),
                .. extra,
            ]);
        return (process, Local(port));
    }

    /// <summary>Every consumer ready and the three partitions split among them, before anything is published.</summary>
    private static async Task WaitUntilPartitionsSharedAsync(List<(OpowerStreamProcess Process, Uri Health)> consumers)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var owned = new List<int>();
            foreach (var (process, health) in consumers)
            {
                owned.Add(OwnedPartitions(await WaitUntilReadyAsync(health, Patience, null, process)));
            }

            if (owned.All(o => o > 0) && owned.Sum() == 3)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Partitions not shared: {string.Join(",", owned)}");
            await Task.Delay(200);
        }
    }

    private static async Task<string> WaitForReadinessAsync(Uri health, OpowerStreamProcess process, Func<HttpStatusCode, string, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, process.Stderr);
            var (status, body, _) = await GetAsync(health, "/readyz");
            last = $"{(int)status}: {body}";
            if (condition(status, body))
            {
                return body;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"/readyz never answered as expected; last {last}\n{process.Stdout}");
    }

    /// <summary>The product's extractor, in this process, publishes the inbox once.</summary>
    private static async Task<IReadOnlyList<FileOutcome>> PublishAsync(PipelineScenario scenario)
    {
        using var host = scenario.BuildHost(consumers: [], extractor: true);
        await host.StartAsync();
        try
        {
            return await host.Services.GetRequiredService<ExtractionRun>().Completed.WaitAsync(Patience);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task StopAllAsync(List<(OpowerStreamProcess Process, Uri Health)> consumers, string group)
    {
        consumers.ForEach(c => c.Process.Terminate());
        foreach (var (process, _) in consumers)
        {
            var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, exit.ExitCode);
            Assert.Contains($"left group {group}", exit.Stdout, StringComparison.Ordinal);
        }
    }

    private static async Task ExecuteAsync(PrivatePostgres postgres, string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static int OwnedPartitions(string readiness)
    {
        var match = OwnedPartitionsPattern().Match(readiness);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"consumer:intervals: ready \(member of [^,]+, (\d+) partition\(s\)\)")]
    private static partial Regex OwnedPartitionsPattern();

    [GeneratedRegex("failed with an error no retry can fix")]
    private static partial Regex FailureLines();
}
