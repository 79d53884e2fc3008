using Microsoft.Extensions.Logging;
using OpowerStream.Cli;
using OpowerStream.Cli.Commands;
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
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// <c>consume intervals</c> scaled out as separate processes in one group against PostgreSQL, as an
/// operator runs it (<c>docker compose up --scale intervals-consumer=3</c>). The broker lives in this
/// test process; the consumers are real child processes, one of them killed (SIGKILL) mid-stream.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ConsumerProcessScaleOutTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Three_interval_consumer_processes_one_killed_mid_stream_and_restarted_end_in_exactly_the_clean_state()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Postgres, output, "three-procs");
        var generated = SampleGenerator.Generate(new GeneratorOptions
        {
            OutputDirectory = scenario.Inbox,
            ServicePoints = 60,
            Days = 7,
            IntervalMinutes = 15,
            Seed = 7,
            ErrorRate = 0.01,
        });
        File.Delete(generated.ManifestPath);
        foreach (var other in generated.Files.Where(f => f.Entity != Entity.Interval))
        {
            File.Delete(other.Path);
        }

        var files = generated.Files.Where(f => f.Entity == Entity.Interval).ToDictionary(f => Path.GetFileName(f.Path), StringComparer.Ordinal);
        var totalRows = files.Values.Sum(f => f.Rows);
        var group = KafkaFixture.UniqueGroup("three-procs");
        var consumers = new List<(OpowerStreamProcess Process, Uri Health)>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                consumers.Add(StartConsumer(scenario, group));
            }

            // Each of the three owns one of the three partitions before the first row is published.
            foreach (var (process, health) in consumers)
            {
                await WaitUntilReadyAsync(health, Patience, body => OwnedPartitions(body) == 1, process);
            }

            var publishing = PublishAsync(scenario);
            var (victim, victimHealth) = consumers[1];
            var victimAccounted = await WaitForAppliedRowsAsync(victimHealth, victim);
            victim.Kill();
            var accountedAtKill = await AccountedAsync(scenario);
            output.WriteLine($"Killed after it accounted for {victimAccounted} rows; store had {accountedAtKill} of {totalRows}.");
            Assert.InRange(accountedAtKill, 1, totalRows - 1);

            consumers.Add(StartConsumer(scenario, group));
            var outcomes = await publishing;
            Assert.All(outcomes, o => Assert.Equal(FileOutcomeKind.Published, o.Kind));
            var reconciled = await WaitUntilReconciledAsync(scenario, files.Count, totalRows);

            foreach (var file in reconciled)
            {
                var truth = files[file.FileName];
                Assert.Equal((truth.Rows, truth.ExpectedApplied, truth.BadRows), (file.RowsRead, file.RowsApplied, file.RowsRejected));
            }

            var intervals = await scenario.IntervalsAsync();
            Assert.Equal(generated.ExpectedStored(Entity.Interval), Lines(intervals).Length);
            var usage = await scenario.WithStoreAsync(async s => await s.ReadIntervalsAsync(CancellationToken.None).Select(r => r.UsageValue).SumAsync());
            Assert.Equal(generated.TotalsFor(Entity.Interval).ValueSum, usage);

            // The clean expectation: one in-process consumer reading the same topic from the start into a fresh store.
            var (cleanIntervals, cleanRejects) = await CleanRunAsync(scenario);
            Assert.Equal(cleanIntervals, intervals);
            Assert.Equal(cleanRejects, await scenario.RejectsAsync());

            // The survivors and the restarted instance stop gracefully: exit 0 after leaving the group.
            var running = consumers.Where(c => !c.Process.HasExited).Select(c => c.Process).ToList();
            Assert.Equal(3, running.Count);
            running.ForEach(p => p.Terminate());
            foreach (var process in running)
            {
                var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(0, exit.ExitCode);
                Assert.Contains($"left group {group}", exit.Stdout, StringComparison.Ordinal);
            }
        }
        finally
        {
            consumers.ForEach(c => c.Process.Dispose());
        }
    }

    private (OpowerStreamProcess Process, Uri Health) StartConsumer(PipelineScenario scenario, string group) =>
        ConsumerProcesses.Start(output, kafka.BootstrapServers, scenario, group);

    private static Task<IReadOnlyList<FileOutcome>> PublishAsync(PipelineScenario scenario) => ConsumerProcesses.PublishAsync(scenario, Patience);

    /// <summary>Scrapes the consumer's /metrics until it applied (or rejected) some rows; returns how many.</summary>
    private static async Task<double> WaitForAppliedRowsAsync(Uri health, OpowerStreamProcess process)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, process.Stderr);
            var (_, metrics, _) = await GetAsync(health, "/metrics");
            var accounted = (Sample(metrics, "opowerstream_rows_applied_total{entity=\"intervals\"}") ?? 0)
                + Sum(metrics, "opowerstream_rows_rejected_total", "entity=\"intervals\"");
            if (accounted > 0)
            {
                return accounted;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The consumer to be killed never applied a row.");
    }

    private static Task<long> AccountedAsync(PipelineScenario scenario) =>
        scenario.WithStoreAsync(async store => (await store.GetFilesAsync(CancellationToken.None)).Sum(f => f.RowsApplied + f.RowsRejected));

    private async Task<IReadOnlyList<FileReconciliation>> WaitUntilReconciledAsync(PipelineScenario scenario, int fileCount, long totalRows)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var files = await scenario.WithStoreAsync(async store => await store.GetFilesAsync(CancellationToken.None));
            if (files.Count == fileCount && files.All(f => f.Reconciles) && files.Sum(f => f.RowsRead) == totalRows)
            {
                return files;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reconciled: {string.Join("; ", files.Select(f => $"{f.FileName} {f.RowsRead}/{f.RowsApplied}/{f.RowsRejected}"))}");
            }

            output.WriteLine($"{files.Sum(f => f.RowsApplied + f.RowsRejected)} of {totalRows} rows accounted for");
            await Task.Delay(250);
        }
    }

    private async Task<(string Intervals, string Rejects)> CleanRunAsync(PipelineScenario scenario)
    {
        var work = Directory.CreateTempSubdirectory("opowerstream-clean-");
        try
        {
            var location = $"sqlite:{Path.Combine(work.FullName, "clean.db")}";
            var group = KafkaFixture.UniqueGroup("clean");
            var builder = CliConfiguration.CreateHostBuilder(new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
                ["Kafka:TopicPrefix"] = scenario.Topics.Prefix,
                ["Kafka:Consumer:auto.commit.interval.ms"] = "100",
                ["Consumers:Groups:intervals"] = group,
                ["Consumers:MaxBatchWait"] = "00:00:00.050",
                ["Store:Location"] = location,
            });
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new XunitLoggerProvider(output));
            using (var host = builder.AddConsumerService(Entity.Interval).Build())
            {
                await host.StartAsync();
                try
                {
                    var deadline = DateTime.UtcNow + Patience;
                    while (ConsumerLag.Get(kafka.BootstrapServers, group, [scenario.Topics.Rows(Entity.Interval)], null, TimeSpan.FromSeconds(10))
                        .Any(p => p.HighWatermark > 0 && p.CommittedOffset < p.HighWatermark))
                    {
                        Assert.True(DateTime.UtcNow < deadline, "The clean run did not finish.");
                        await Task.Delay(100);
                    }
                }
                finally
                {
                    await host.StopAsync();
                }
            }

            var store = await PipelineStores.OpenAsync(StoreLocation.Parse(location), CancellationToken.None);
            await using (store)
            {
                using var intervals = new StringWriter();
                await CsvExports.IntervalsAsync(store, intervals, CancellationToken.None);
                using var rejects = new StringWriter();
                await CsvExports.RejectsAsync(store, rejects, CancellationToken.None);
                return (intervals.ToString(), rejects.ToString());
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
