using OpowerStream.Domain;
using OpowerStream.Kafka;
using OpowerStream.Testing;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// <c>opower-stream replay</c> on the three entities: moving a group's offsets back makes its consumers re-read
/// rows, and because every apply is sequence-guarded the store converges to the same state.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ReplayTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Replay_to_earliest_with_execute_reapplies_every_entity_to_the_identical_state()
    {
        await using var scenario = await RunGeneratedFilesAsync("replay-earliest");
        var before = await ExportAllAsync(scenario);

        foreach (var entity in Enum.GetValues<Entity>())
        {
            using var replay = Replay(scenario, entity);
            var plan = replay.Plan(scenario.Topics.Rows(entity), new ReplayToEarliest());
            Assert.Contains(plan.Partitions, p => p.CurrentOffset > 0);
            replay.Execute(plan);
            Assert.All(replay.ReadPositions(scenario.Topics.Rows(entity)), p => Assert.Equal(p.LowWatermark, p.CommittedOffset));
        }

        await ConsumeAgainAsync(scenario);

        Assert.Equal(before, await ExportAllAsync(scenario));
    }

    [Fact]
    public async Task The_replay_command_without_execute_prints_the_plan_and_changes_no_committed_offset()
    {
        await using var scenario = await RunGeneratedFilesAsync("replay-dry");
        using var replay = Replay(scenario, Entity.Interval);
        var topic = scenario.Topics.Rows(Entity.Interval);
        var before = replay.ReadPositions(topic);

        var run = await ReplayCommandAsync(scenario, "intervals", "--to-earliest");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                $"Replay plan for group {scenario.GroupPrefix}-intervals on topic {topic}:",
                .. before.Select(p => $"  {p.Partition}: {p.CommittedOffset} -> 0  (log 0..{p.HighWatermark})"),
                "Dry run: nothing changed. Add --execute to commit these offsets.",
            ],
            run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(before, replay.ReadPositions(topic));
    }

    [Fact]
    public async Task The_replay_command_refuses_while_a_consumer_of_the_group_runs()
    {
        await using var scenario = await RunGeneratedFilesAsync("replay-active");
        using var replay = Replay(scenario, Entity.Rate);
        var topic = scenario.Topics.Rows(Entity.Rate);
        var before = replay.ReadPositions(topic);
        var log = new RecordingLoggerProvider();
        using var consumer = scenario.BuildHost([Entity.Rate], extractor: false, log);
        await consumer.StartAsync();
        try
        {
            await WaitUntilAsync(() => log.Messages.Any(m => m.Contains("partitions assigned ", StringComparison.Ordinal) && !m.EndsWith("assigned ", StringComparison.Ordinal)));

            var run = await ReplayCommandAsync(scenario, "rates", "--to-earliest", "--execute");

            Assert.Equal(1, run.ExitCode);
            Assert.Contains($"Consumer group {scenario.GroupPrefix}-rates has active members", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await consumer.StopAsync();
        }

        Assert.Equal(before, replay.ReadPositions(topic));
    }

    [Fact]
    public async Task Replay_by_offset_and_by_shift_plan_the_right_offsets_and_converge_to_the_same_state()
    {
        await using var scenario = await RunGeneratedFilesAsync("replay-offsets");
        var before = await ExportAllAsync(scenario);
        var intervals = scenario.Topics.Rows(Entity.Interval);
        using var intervalReplay = Replay(scenario, Entity.Interval);
        var positions = intervalReplay.ReadPositions(intervals);
        Assert.All(positions, p => Assert.True(p.HighWatermark > 10, "every partition needs records to replay"));

        // Partition 0 back to 3, partition 1 past its end (clamped to the end), partition 2 untouched.
        var run = await ReplayCommandAsync(scenario, "intervals", "--to-offset", $"0:3,1:{positions[1].HighWatermark + 1000}", "--execute");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [3, positions[1].HighWatermark, positions[2].CommittedOffset],
            intervalReplay.ReadPositions(intervals).Select(p => p.CommittedOffset));

        foreach (var entity in new[] { Entity.Rate, Entity.ServiceQuantity })
        {
            using var replay = Replay(scenario, entity);
            var plan = replay.Plan(scenario.Topics.Rows(entity), new ReplayShiftBy(-5));
            Assert.Equal(
                replay.ReadPositions(scenario.Topics.Rows(entity)).Select(p => Math.Max(p.LowWatermark, p.CommittedOffset - 5)),
                plan.Partitions.Select(p => p.NewOffset));
            replay.Execute(plan);
        }

        await ConsumeAgainAsync(scenario);

        Assert.Equal(before, await ExportAllAsync(scenario));
    }

    private async Task<PipelineScenario> RunGeneratedFilesAsync(string name) =>
        (await GeneratedScenario.RunAsync(kafka, postgres, output, name)).Scenario;

    private ConsumerGroupReplay Replay(PipelineScenario scenario, Entity entity) =>
        new(kafka.BootstrapServers, $"{scenario.GroupPrefix}-{entity.Name()}", null, Timeout);

    private Task<OpowerStreamProcess.Result> ReplayCommandAsync(PipelineScenario scenario, params string[] arguments) =>
        OpowerStreamProcess.RunAsync(
            output,
            ["replay", .. arguments, "--bootstrap-servers", kafka.BootstrapServers],
            ("Kafka__TopicPrefix", scenario.Topics.Prefix),
            ("Consumers__GroupPrefix", scenario.GroupPrefix));

    /// <summary>Runs the three consumers (no extractor) until their groups committed the end of every partition.</summary>
    private static async Task ConsumeAgainAsync(PipelineScenario scenario)
    {
        using var host = scenario.BuildHost(Enum.GetValues<Entity>(), extractor: false);
        await host.StartAsync();
        try
        {
            await scenario.WaitUntilConsumedAsync(host, Enum.GetValues<Entity>());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<string[]> ExportAllAsync(PipelineScenario scenario) =>
    [
        await scenario.RatesAsync(),
        await scenario.IntervalsAsync(),
        await scenario.ServiceQuantitiesAsync(),
        await scenario.RejectsAsync(),
        await scenario.ExportAsync(Cli.Commands.CsvExports.FilesAsync),
    ];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the consumer to join its group.");
            await Task.Delay(200);
        }
    }
}
