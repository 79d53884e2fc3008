using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpowerStream.Cli.Commands;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Hosting;
using OpowerStream.Kafka;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests.Reliability;

/// <summary>
/// The store goes away in the middle of a run: consumers keep their batch, retry with capped backoff,
/// commit no offset meanwhile, and catch up once the store is back. PostgreSQL is a private cluster
/// stopped like a crash; SQLite is the store file locked by another writer.
/// </summary>
public sealed partial class DatabaseOutageTests(ITestOutputHelper output)
{
    /// <summary>Consumers:MaxRetryDelay in these tests: small, so a test waits little once the store is back.</summary>
    private const int RetryCapMs = 400;

    [Fact]
    public async Task PostgreSQL_stopped_mid_run_and_started_again_loses_nothing_and_commits_no_offset_while_down()
    {
        await using var postgres = await PrivatePostgres.StartAsync(output);

        var retries = await RunThroughOutageAsync($"postgres:{postgres.ConnectionString}", "pg-outage",
            postgres.StopImmediatelyAsync, postgres.StartAgainAsync);

        // Backoff doubled from the first delay up to the cap, never beyond it.
        Assert.NotEmpty(retries);
        Assert.All(retries, delay => Assert.InRange(delay, 1, RetryCapMs));
        Assert.Contains(RetryCapMs, retries);
    }

    [Fact]
    public async Task A_SQLite_file_locked_by_another_writer_mid_run_holds_the_consumers_back_and_loses_nothing()
    {
        SqliteConnection? writer = null;
        string? path = null;
        try
        {
            await RunThroughOutageAsync(storeLocation: null, "sqlite-lock",
                async () =>
                {
                    writer = new SqliteConnection($"Data Source={path};Pooling=False");
                    await writer.OpenAsync();
                    await using var begin = writer.CreateCommand();
                    begin.CommandText = "BEGIN EXCLUSIVE";
                    await begin.ExecuteNonQueryAsync();
                },
                async () =>
                {
                    await using var rollback = writer!.CreateCommand();
                    rollback.CommandText = "ROLLBACK";
                    await rollback.ExecuteNonQueryAsync();
                    await writer.DisposeAsync();
                    writer = null;
                },
                scenario => path = scenario.StoreLocation["sqlite:".Length..]);
        }
        finally
        {
            if (writer is not null)
            {
                await writer.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Runs a generation through the pipeline; once the extractor published everything and the
    /// consumers applied some rows, breaks the store for three seconds. Returns the retry delays the
    /// consumers logged.
    /// </summary>
    private async Task<List<int>> RunThroughOutageAsync(string? storeLocation, string name, Func<Task> breakStore, Func<Task> repairStore,
        Action<PipelineScenario>? prepare = null)
    {
        using var cluster = MockKafkaCluster.Start();
        await using var scenario = PipelineScenario.OnPrivateCluster(cluster, storeLocation, output, name);
        prepare?.Invoke(scenario);
        var truth = ReliabilityData.Generate(scenario.Inbox, seed: 81, servicePoints: 30, days: 31, intervalMinutes: 60);
        var rows = truth.Files.Sum(f => f.Rows);
        scenario.Settings["Consumers:MaxBatchSize"] = "100";
        scenario.Settings["Consumers:MaxRetryDelay"] = TimeSpan.FromMilliseconds(RetryCapMs).ToString("c", CultureInfo.InvariantCulture);
        using var log = new RecordingLoggerProvider();
        using var host = scenario.BuildHost(consumers: null, extractor: true, log);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await host.StartAsync(timeout.Token);
        try
        {
            var outcomes = await host.Services.GetRequiredService<ExtractionRun>().Completed.WaitAsync(timeout.Token);
            Assert.True(await ReliabilityData.WaitUntilAsync(async () => await ReliabilityData.RowsAccountedAsync(scenario) > 0, TimeSpan.FromSeconds(60)));
            var accountedBefore = await ReliabilityData.RowsAccountedAsync(scenario);
            await breakStore();
            Assert.True(accountedBefore < rows, "The store broke only after everything was applied: the test proved nothing.");

            // Offsets committed for batches applied before the outage settle within a commit interval;
            // after that, nothing moves while the store is gone.
            await Task.Delay(TimeSpan.FromSeconds(1));
            var committedEarly = Committed(cluster.BootstrapServers, scenario);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(committedEarly, Committed(cluster.BootstrapServers, scenario));
            Assert.True(committedEarly < rows);
            await repairStore();

            var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var store = host.Services.GetRequiredService<StoreHost>().Store;
            var files = await new ReconciliationWaiter(store, TimeSpan.FromSeconds(60)).WaitAsync(outcomes, stopping, timeout.Token);
            Assert.All(files, f => Assert.True(f.Reconciles, f.FileName));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }

        await ReliabilityData.AssertStoreMatchesAsync(scenario, truth);
        return log.Messages
            .Select(m => RetryDelay().Match(m))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();
    }

    /// <summary>Committed offsets summed over every entity's group and partition.</summary>
    private static long Committed(string bootstrapServers, PipelineScenario scenario) =>
        Enum.GetValues<Entity>().Sum(entity =>
            ConsumerLag.Get(bootstrapServers, $"{scenario.GroupPrefix}-{entity.Name()}", [scenario.Topics.Rows(entity)], null, TimeSpan.FromSeconds(10))
                .Sum(p => Math.Max(p.CommittedOffset, 0)));

    [GeneratedRegex(@"retrying in (\d+) ms")]
    private static partial Regex RetryDelay();
}
