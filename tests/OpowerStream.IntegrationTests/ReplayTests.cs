using OpowerStream.Domain;
using OpowerStream.Kafka;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.OperatorScenario;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// <c>opower-stream replay</c> on the three entities: moving a group's offsets back makes its consumers re-read
/// rows, and because every apply is sequence-guarded the store converges to the same state. Refused while a
/// consumer of the group runs, judged from the members the consumers record in the store (the mock broker
/// cannot list a group's members, and joining a group with live members aborts librdkafka 2.0.2).
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ReplayTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Replay_to_earliest_by_offset_and_by_shift_converge_to_the_same_state_and_a_dry_run_changes_nothing()
    {
        var (scenario, _) = await RunGeneratedAsync(kafka, postgres, output, "replay-modes");
        await using var _ = scenario;
        var before = await ExportAllAsync(scenario);
        var intervals = scenario.Topics.Rows(Entity.Interval);
        using var intervalReplay = Replay(scenario, Entity.Interval);
        var positions = intervalReplay.ReadPositions(intervals);
        Assert.All(positions, p => Assert.True(p.HighWatermark > 10 && p.CommittedOffset == p.HighWatermark, "every partition consumed, with records to replay"));

        var dryRun = await RunCliAsync(scenario, kafka, output, "replay", "intervals", "--to-earliest", "--store", scenario.StoreLocation);

        Assert.Equal(0, dryRun.ExitCode);
        Assert.Equal(
            [
                $"Replay plan for group {scenario.GroupPrefix}-intervals on topic {intervals}:",
                .. positions.Select(p => $"  {p.Partition}: {p.CommittedOffset} -> 0  (log 0..{p.HighWatermark})"),
                "Dry run: nothing changed. Add --execute to commit these offsets.",
            ],
            dryRun.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(positions, intervalReplay.ReadPositions(intervals));

        // Intervals: partition 0 back to 3, partition 1 past its end (clamped to the end), partition 2 untouched.
        Assert.Equal(0, (await ExecuteAsync(scenario, "intervals", "--to-offset", $"0:3,1:{positions[1].HighWatermark + 1000}")).ExitCode);
        Assert.Equal([3, positions[1].HighWatermark, positions[2].CommittedOffset], intervalReplay.ReadPositions(intervals).Select(p => p.CommittedOffset));

        using var rateReplay = Replay(scenario, Entity.Rate);
        Assert.Equal(0, (await ExecuteAsync(scenario, "rates", "--to-earliest")).ExitCode);
        Assert.All(rateReplay.ReadPositions(scenario.Topics.Rows(Entity.Rate)), p => Assert.Equal(p.LowWatermark, p.CommittedOffset));

        var quantities = scenario.Topics.Rows(Entity.ServiceQuantity);
        using var quantityReplay = Replay(scenario, Entity.ServiceQuantity);
        var quantityPositions = quantityReplay.ReadPositions(quantities);
        Assert.Equal(0, (await ExecuteAsync(scenario, "service-quantities", "--shift-by", "-5")).ExitCode);
        Assert.Equal(
            quantityPositions.Select(p => Math.Max(p.LowWatermark, p.CommittedOffset - 5)),
            quantityReplay.ReadPositions(quantities).Select(p => p.CommittedOffset));

        await ConsumeAsync(scenario, Enum.GetValues<Entity>());

        Assert.Equal(before, await ExportAllAsync(scenario));
    }

    [Fact]
    public async Task Replay_is_refused_while_a_consumer_of_the_group_runs_and_allowed_once_it_left_or_its_record_is_stale()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "replay-active");
        scenario.Drop(TestFiles.AccountFileName(20260101000000), TestFiles.Accounts(("1", "ER-A", "2026-01-01 00:00:00"), ("2", "ER-B", "2026-01-01 00:00:00")));
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);
        var group = $"{scenario.GroupPrefix}-rates";
        var topic = scenario.Topics.Rows(Entity.Rate);
        using var replay = Replay(scenario, Entity.Rate);
        var before = replay.ReadPositions(topic);
        Assert.Contains(before, p => p.CommittedOffset > 0);

        using (var consumer = scenario.BuildHost([Entity.Rate], extractor: false))
        {
            await consumer.StartAsync();
            try
            {
                var member = Assert.Single(await WaitForMembersAsync(scenario, group));
                Assert.Equal(Environment.ProcessId, member.ProcessId);

                var refused = await ExecuteAsync(scenario, "rates", "--to-earliest");

                Assert.Equal(1, refused.ExitCode);
                Assert.Contains($"Consumer group {group} has active members ({member.Host} pid {member.ProcessId}, heartbeat", refused.Stderr, StringComparison.Ordinal);
                Assert.Contains("--force-stale-after SECONDS", refused.Stderr, StringComparison.Ordinal);
                Assert.Equal(before, replay.ReadPositions(topic));
            }
            finally
            {
                await consumer.StopAsync();
            }
        }

        // A clean shutdown removes the record; a killed consumer's record stays but goes stale.
        Assert.Empty(await scenario.WithStoreAsync(store => store.GetMembersAsync(group, CancellationToken.None)));
        var killedAt = DateTime.UtcNow.AddMinutes(-2);
        await scenario.WithStoreAsync(async store =>
        {
            await store.RecordMemberAsync(new ConsumerMember(group, "gone", "elsewhere", 4242, killedAt, killedAt), CancellationToken.None);
            return true;
        });

        var stillRefused = await ExecuteAsync(scenario, "rates", "--to-earliest", "--force-stale-after", "600");
        Assert.Equal(1, stillRefused.ExitCode);
        Assert.Contains("elsewhere pid 4242", stillRefused.Stderr, StringComparison.Ordinal);

        var allowed = await ExecuteAsync(scenario, "rates", "--to-earliest");

        Assert.Equal(0, allowed.ExitCode);
        Assert.All(replay.ReadPositions(topic), p => Assert.Equal(p.LowWatermark, p.CommittedOffset));
    }

    /// <summary>
    /// Replay by time needs the broker's timestamp index, which librdkafka's mock cluster lacks (it answers -1
    /// everywhere), so this runs only against real Kafka (<c>KAFKA_BOOTSTRAP_SERVERS</c> or Testcontainers) and is reported as
    /// skipped otherwise.
    /// </summary>
    [BrokerFact(realKafka: true, needs: "a broker with a timestamp index")]
    public async Task Replay_to_a_datetime_moves_each_partition_to_its_first_record_at_or_after_it()
    {
        var startedAt = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (scenario, _) = await RunGeneratedAsync(kafka, postgres, output, "replay-datetime");
        await using var _ = scenario;
        var topic = scenario.Topics.Rows(Entity.Interval);
        using var replay = Replay(scenario, Entity.Interval);

        Assert.Equal(0, (await ExecuteAsync(scenario, "intervals", "--to-datetime", startedAt.ToString("O"))).ExitCode);
        Assert.All(replay.ReadPositions(topic), p => Assert.Equal(p.LowWatermark, p.CommittedOffset));

        Assert.Equal(0, (await ExecuteAsync(scenario, "intervals", "--to-datetime", DateTimeOffset.UtcNow.AddHours(1).ToString("O"))).ExitCode);
        Assert.All(replay.ReadPositions(topic), p => Assert.Equal(p.HighWatermark, p.CommittedOffset));
    }

    [BrokerFact(realKafka: false)]
    public async Task Replay_to_a_datetime_on_the_mock_broker_is_refused_instead_of_skipping_every_record()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "replay-datetime-mock");
        scenario.Drop(TestFiles.AccountFileName(20260101000000), TestFiles.Accounts(("1", "ER-A", "2026-01-01 00:00:00")));
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);
        var topic = scenario.Topics.Rows(Entity.Rate);
        using var replay = Replay(scenario, Entity.Rate);
        var before = replay.ReadPositions(topic);

        var run = await ExecuteAsync(scenario, "rates", "--to-datetime", "2020-01-01T00:00:00Z");
        var byDuration = await ExecuteAsync(scenario, "rates", "--by-duration", "P1D");

        Assert.Equal((1, 1), (run.ExitCode, byDuration.ExitCode));
        Assert.Contains("they have no timestamp index", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("they have no timestamp index", byDuration.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, replay.ReadPositions(topic));
    }

    [Fact]
    public async Task Replay_to_one_offset_to_latest_and_from_an_exported_plan_file_commits_exactly_the_planned_offsets()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "replay-plan-file");
        scenario.Drop(TestFiles.AccountFileName(20260101000000), TestFiles.Accounts(
            [.. Enumerable.Range(1, 12).Select(i => ($"{i}", $"PF-{i}", "2026-01-01 00:00:00"))]));
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);
        var topic = scenario.Topics.Rows(Entity.Rate);
        using var replay = Replay(scenario, Entity.Rate);
        var consumed = replay.ReadPositions(topic);
        Assert.All(consumed, p => Assert.Equal(p.HighWatermark, p.CommittedOffset));
        Assert.Contains(consumed, p => p.HighWatermark > 1);

        Assert.Equal(0, (await ExecuteAsync(scenario, "rates", "--to-offset", "1")).ExitCode);
        Assert.Equal(consumed.Select(p => Math.Min(1, p.HighWatermark)), replay.ReadPositions(topic).Select(p => p.CommittedOffset));

        Assert.Equal(0, (await ExecuteAsync(scenario, "rates", "--to-latest")).ExitCode);
        Assert.Equal(consumed, replay.ReadPositions(topic));

        // A dry run exports the plan and commits nothing; carrying it out from the file commits it.
        var planFile = Path.Combine(Path.GetTempPath(), $"{scenario.GroupPrefix}-plan.csv");
        var dryRun = await RunCliAsync(scenario, kafka, output, "replay", "rates", "--to-earliest", "--export", planFile, "--store", scenario.StoreLocation);
        try
        {
            Assert.Equal(0, dryRun.ExitCode);
            Assert.Equal(consumed.Select(p => $"{topic},{p.Partition},{p.LowWatermark}"), File.ReadAllLines(planFile));
            Assert.Equal(consumed, replay.ReadPositions(topic));

            Assert.Equal(0, (await ExecuteAsync(scenario, "rates", "--from-file", planFile)).ExitCode);
            Assert.All(replay.ReadPositions(topic), p => Assert.Equal(p.LowWatermark, p.CommittedOffset));

            // A plan made for another topic is refused and changes nothing.
            File.WriteAllText(planFile, $"{scenario.Topics.Rows(Entity.Interval)},0,0\n");
            var refused = await ExecuteAsync(scenario, "rates", "--from-file", planFile);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains($"Line 1 plans topic {scenario.Topics.Rows(Entity.Interval)}; this replay is for {topic}.", refused.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(planFile);
        }
    }

    private ConsumerGroupReplay Replay(PipelineScenario scenario, Entity entity) =>
        new(kafka.BootstrapServers, $"{scenario.GroupPrefix}-{entity.Name()}", null, Timeout);

    private Task<OpowerStreamProcess.Result> ExecuteAsync(PipelineScenario scenario, params string[] arguments) =>
        RunCliAsync(scenario, kafka, output, ["replay", .. arguments, "--execute", "--store", scenario.StoreLocation]);

    private static async Task<IReadOnlyList<ConsumerMember>> WaitForMembersAsync(PipelineScenario scenario, string group)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var members = await scenario.WithStoreAsync(store => store.GetMembersAsync(group, CancellationToken.None));
            if (members.Count > 0)
            {
                return members;
            }

            Assert.True(DateTime.UtcNow < deadline, "The consumer never recorded itself in the store.");
            await Task.Delay(100);
        }
    }
}
