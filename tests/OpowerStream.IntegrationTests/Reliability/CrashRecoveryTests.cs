using OpowerStream.Kafka;
using OpowerStream.Storage;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests.Reliability;

/// <summary>
/// <c>opower-stream run</c> as its own process, killed with SIGKILL part-way again and again and
/// restarted each time, then left to finish: the store must end exactly at the generator's truth, with
/// every file reconciled. The broker lives in the test process, so it outlives every crash.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_pipeline_killed_mid_file_mid_batch_and_at_a_random_point_then_restarted_ends_exactly_at_the_truth()
    {
        using var cluster = MockKafkaCluster.Start();
        await using var scenario = PipelineScenario.OnPrivateCluster(cluster, storeLocation: null, output, "crash");
        var truth = ReliabilityData.Generate(scenario.Inbox, seed: 91, servicePoints: 25, days: 45, intervalMinutes: 15);
        var rows = truth.Files.Sum(f => f.Rows);
        var random = new Random(91);
        var environment = Environment(cluster, scenario);
        string[] arguments = ["run", "--inbox", scenario.Inbox, "--store", scenario.StoreLocation, "--bootstrap-servers", cluster.BootstrapServers];

        // 1: the extractor is half-way through a file (the ledger says Processing).
        await RunAndKillAsync(scenario, arguments, environment, random,
            async () => (await FilesAsync(scenario)).Any(f => f.Status == FileStatus.Processing));
        // 2: the consumers have applied some rows but not all: a batch is on its way.
        await RunAndKillAsync(scenario, arguments, environment, random, async () =>
        {
            var accounted = await ReliabilityData.RowsAccountedAsync(scenario);
            return accounted > 0 && accounted < rows;
        });
        // 3: wherever it is, a random moment after the start.
        var started = DateTime.UtcNow;
        var after = TimeSpan.FromMilliseconds(random.Next(1_000, 4_000));
        await RunAndKillAsync(scenario, arguments, environment, random, () => Task.FromResult(DateTime.UtcNow - started > after));

        // The last run goes undisturbed until every file of the generation is reconciled.
        using (var last = OpowerStreamProcess.Start(output, scenario.Inbox, arguments, environment))
        {
            var names = truth.Files.Select(f => Path.GetFileName(f.Path)).ToHashSet(StringComparer.Ordinal);
            var finished = await ReliabilityData.WaitUntilAsync(async () =>
            {
                Assert.False(last.HasExited, "The last run stopped by itself:\n" + last.Stderr);
                var files = (await FilesAsync(scenario)).Where(f => names.Contains(f.FileName)).ToList();
                return files.Count == names.Count && files.All(f => f.Reconciles && f.Status == FileStatus.Published);
            }, Patience);
            var state = string.Join("\n", (await FilesAsync(scenario)).Select(f => $"{f.FileName} {f.Status} read {f.RowsRead} applied {f.RowsApplied} rejected {f.RowsRejected}"));
            Assert.True(finished, "The restarted pipeline did not reconcile every file in time:\n" + state + "\n" + last.Stderr);
        }

        Assert.Empty(Directory.GetFiles(scenario.Inbox));
        await ReliabilityData.AssertStoreMatchesAsync(scenario, truth);
    }

    /// <summary>Starts a run, waits until <paramref name="moment"/> holds, waits a little more at random, kills it.</summary>
    private async Task RunAndKillAsync(PipelineScenario scenario, string[] arguments, (string, string)[] environment, Random random,
        Func<Task<bool>> moment)
    {
        using var run = OpowerStreamProcess.Start(output, scenario.Inbox, arguments, environment);
        Assert.True(await ReliabilityData.WaitUntilAsync(moment, Patience), "The moment to kill the pipeline never came:\n" + run.Stderr);
        await Task.Delay(random.Next(0, 300));
        Assert.False(run.HasExited, "The pipeline exited before it was killed:\n" + run.Stderr);
        var accounted = await ReliabilityData.RowsAccountedAsync(scenario);
        run.Kill();
        output.WriteLine($"killed with {accounted} rows accounted for and {Directory.GetFiles(scenario.Inbox).Length} files left in the inbox");
    }

    private static Task<IReadOnlyList<FileReconciliation>> FilesAsync(PipelineScenario scenario) =>
        scenario.WithStoreAsync(store => store.GetFilesAsync(CancellationToken.None));

    /// <summary>The scenario's topics and groups, short batches and polls, a short session and inbox lease so a killed run's partitions and inbox return soon.</summary>
    private static (string, string)[] Environment(MockKafkaCluster cluster, PipelineScenario scenario) =>
    [
        ("Kafka__TopicPrefix", scenario.Topics.Prefix),
        ("Kafka__Partitions", "3"),
        ("Kafka__Consumer__session.timeout.ms", "3000"),
        ("Kafka__Consumer__heartbeat.interval.ms", "500"),
        ("Kafka__Consumer__auto.commit.interval.ms", "200"),
        ("Consumers__GroupPrefix", scenario.GroupPrefix),
        ("Consumers__MaxBatchSize", "1000"),
        ("Consumers__MaxBatchWait", "00:00:00.050"),
        ("Consumers__MaxRetryDelay", "00:00:01"),
        ("Extractor__PollInterval", "00:00:00.200"),
        // A killed run's inbox lease holds its successor back until it expires: keep that short here.
        ("Extractor__LeaseDuration", "00:00:02"),
    ];
}
