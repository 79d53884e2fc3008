using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Npgsql;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Kafka;
using OpowerStream.Samples;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.ConsumerProcesses;
using static OpowerStream.IntegrationTests.ServiceEndpoints;
using static OpowerStream.Testing.PrometheusExposition;

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
        await using var rig = await Rig.StartAsync(output, "pg-long-outage", seed: 17, consumers: 2);
        Assert.All(await PublishAsync(rig.Scenario, Patience), o => Assert.Equal(FileOutcomeKind.Published, o.Kind));
        Assert.True(await ReliabilityData.WaitUntilAsync(async () => await ReliabilityData.RowsAccountedAsync(rig.Scenario) > 0, Patience));

        var logsBeforeOutage = rig.Consumers.Select(c => c.Process.Stdout.Length).ToList();
        await rig.Postgres.StopImmediatelyAsync();
        await Task.Delay(MaxPollInterval + TimeSpan.FromSeconds(5));

        // Still members, each with its partitions, while the store is gone.
        var owned = new List<int>();
        foreach (var (process, health) in rig.Consumers)
        {
            Assert.False(process.HasExited, process.Stderr);
            owned.Add(OwnedPartitions((await GetAsync(health, "/readyz")).Body));
        }

        Assert.Equal(3, owned.Sum());
        await rig.Postgres.StartAgainAsync();

        await AssertExactAsync(rig);
        for (var i = 0; i < rig.Consumers.Count; i++)
        {
            var since = rig.Consumers[i].Process.Stdout[logsBeforeOutage[i]..];
            Assert.DoesNotContain("partitions revoked", since, StringComparison.Ordinal);
            Assert.DoesNotContain("partitions assigned", since, StringComparison.Ordinal);
        }

        // The long apply was polled through with paused partitions (what kept the members in the group).
        Assert.Contains(rig.Consumers, c => c.Process.Stdout.Contains("partitions paused", StringComparison.Ordinal));
        await rig.StopAllAsync();
    }

    [Fact]
    public async Task A_check_constraint_refusing_every_row_is_named_on_readyz_and_after_it_is_dropped_the_state_is_exact()
    {
        await using var rig = await Rig.StartAsync(output, "pg-check", seed: 23, consumers: 1);
        await rig.ExecuteAsync($"ALTER TABLE intervals ADD CONSTRAINT {RefuseAll} CHECK (false) NOT VALID");
        Assert.All(await PublishAsync(rig.Scenario, Patience), o => Assert.Equal(FileOutcomeKind.Published, o.Kind));

        var (process, health) = rig.Consumers[0];
        var refused = await WaitForReadinessAsync(health, process,
            (status, body) => status == HttpStatusCode.ServiceUnavailable && body.Contains(RefuseAll, StringComparison.Ordinal));
        Assert.Contains("permanent store failure", refused, StringComparison.Ordinal);
        var (_, metrics, _) = await GetAsync(health, "/metrics");
        Assert.True(Sample(metrics, "opowerstream_consumer_permanent_failures_total{entity=\"intervals\"}") > 0, metrics);
        Assert.Equal(0, await rig.Scenario.WithStoreAsync(async store => await store.ReadIntervalsAsync(CancellationToken.None).CountAsync()));

        // Several retries later, still one ERROR line: it is logged at most once a minute.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(FailureLines().Matches(process.Stdout));

        await rig.ExecuteAsync($"ALTER TABLE intervals DROP CONSTRAINT {RefuseAll}");
        await WaitForReadinessAsync(health, process, (status, body) => status == HttpStatusCode.OK && !body.Contains(RefuseAll, StringComparison.Ordinal));
        await AssertExactAsync(rig);
        await rig.StopAllAsync();
    }

    [Fact]
    public async Task With_ExitAfterPermanentFailure_set_a_consumer_that_cannot_apply_exits_non_zero()
    {
        await using var rig = await Rig.StartAsync(output, "pg-exit", seed: 29, consumers: 1, ("Consumers__ExitAfterPermanentFailure", "00:00:02"));
        await rig.ExecuteAsync($"ALTER TABLE intervals ADD CONSTRAINT {RefuseAll} CHECK (false) NOT VALID");
        await PublishAsync(rig.Scenario, Patience);

        var exit = await rig.Consumers[0].Process.WaitForExitAsync(Patience);

        Assert.Equal(3, exit.ExitCode);
        Assert.Contains("longer than Consumers:ExitAfterPermanentFailure", exit.Stdout, StringComparison.Ordinal);
        Assert.Contains(RefuseAll, exit.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// A private PostgreSQL and broker, a generation's interval files in the inbox, and
    /// <c>consume intervals</c> processes in one group that share the three partitions before anything is published.
    /// </summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly MockKafkaCluster cluster;

        private Rig(PrivatePostgres postgres, MockKafkaCluster cluster, PipelineScenario scenario, string group)
        {
            Postgres = postgres;
            this.cluster = cluster;
            Scenario = scenario;
            Group = group;
        }

        public PrivatePostgres Postgres { get; }

        public PipelineScenario Scenario { get; }

        public string Group { get; }

        public List<(OpowerStreamProcess Process, Uri Health)> Consumers { get; } = [];

        public IntervalTruth Truth { get; private set; } = null!;

        public static async Task<Rig> StartAsync(ITestOutputHelper output, string name, long seed, int consumers, params (string Name, string Value)[] settings)
        {
            var postgres = await PrivatePostgres.StartAsync(output);
            var cluster = MockKafkaCluster.Start();
            var rig = new Rig(postgres, cluster,
                PipelineScenario.OnPrivateCluster(cluster, $"postgres:{postgres.ConnectionString}", output, name), KafkaFixture.UniqueGroup(name));
            rig.Truth = IntervalFiles(rig.Scenario, seed);
            for (var i = 0; i < consumers; i++)
            {
                rig.Consumers.Add(ConsumerProcesses.Start(output, cluster.BootstrapServers, rig.Scenario, rig.Group,
                [
                    ("Consumers__MaxBatchSize", "100"),
                    ("Consumers__MaxRetryDelay", "00:00:01"),
                    // Short, so that the outage outlasts it: a member that stopped polling would be dropped.
                    ("Kafka__Consumer__max.poll.interval.ms", ((int)MaxPollInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
                    ("Kafka__Consumer__auto.commit.interval.ms", "500"),
                    .. settings,
                ]));
            }

            await rig.WaitUntilPartitionsSharedAsync();
            return rig;
        }

        public async Task ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(Postgres.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        /// <summary>SIGTERM: each leaves its group and exits 0.</summary>
        public async Task StopAllAsync()
        {
            Consumers.ForEach(c => c.Process.Terminate());
            foreach (var (process, _) in Consumers)
            {
                var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(0, exit.ExitCode);
                Assert.Contains($"left group {Group}", exit.Stdout, StringComparison.Ordinal);
            }
        }

        public async ValueTask DisposeAsync()
        {
            Consumers.ForEach(c => c.Process.Dispose());
            await Scenario.DisposeAsync();
            cluster.Dispose();
            await Postgres.DisposeAsync();
        }

        private async Task WaitUntilPartitionsSharedAsync()
        {
            var deadline = DateTime.UtcNow + Patience;
            while (true)
            {
                var owned = new List<int>();
                foreach (var (process, health) in Consumers)
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
    private static async Task AssertExactAsync(Rig rig)
    {
        var (scenario, truth) = (rig.Scenario, rig.Truth);
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

    [GeneratedRegex("failed with an error no retry can fix")]
    private static partial Regex FailureLines();
}
