using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using OpowerStream.Kafka;

namespace OpowerStream.Benchmarks.Harness;

/// <summary>
/// How long consumer-group membership takes on the embedded broker (librdkafka's mock cluster), per group protocol
/// and initial rebalance delay: the first member's first assignment, a second member's first partitions, and the
/// first member holding every partition again after the second leaves. Each case on a fresh cluster and topic.
/// </summary>
internal static class GroupTimingDriver
{
    private const string Topic = "group-timing";
    private const int Partitions = 6;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public static IEnumerable<string> Run()
    {
        foreach (var protocol in (string[])["classic", "consumer"])
        {
            foreach (var delay in (TimeSpan[])[TimeSpan.FromSeconds(3), TimeSpan.Zero])
            {
                yield return Measure(protocol, delay);
            }
        }
    }

    private static string Measure(string protocol, TimeSpan initialDelay)
    {
        using var cluster = MockKafkaCluster.Start();
        cluster.SetGroupInitialRebalanceDelay(initialDelay);
        cluster.CreateTopic(Topic, Partitions);
        var group = "timing-" + Guid.NewGuid().ToString("N");

        var clock = Stopwatch.StartNew();
        using var first = Member(cluster.BootstrapServers, group, protocol);
        var firstJoin = PollUntil(clock, () => first.Assignment.Count == Partitions, first);

        clock.Restart();
        var second = Member(cluster.BootstrapServers, group, protocol);
        var secondJoin = PollUntil(clock, () => second.Assignment.Count > 0, first, second);

        clock.Restart();
        second.Close();
        second.Dispose();
        var takeover = PollUntil(clock, () => first.Assignment.Count == Partitions, first);
        first.Close();

        return string.Create(CultureInfo.InvariantCulture,
            $"protocol={protocol} initial_delay_ms={initialDelay.TotalMilliseconds:F0} first_join_s={firstJoin:F2} second_join_s={secondJoin:F2} leave_rebalance_s={takeover:F2}");
    }

    private static IConsumer<Ignore, Ignore> Member(string bootstrapServers, string group, string protocol)
    {
        var config = KafkaClientConfigs.Consumer(new KafkaOptions { BootstrapServers = bootstrapServers }, group);
        config.Set("group.protocol", protocol);
        // The product assigns start positions itself (KafkaClientConfigs.StartPositions); an empty topic needs none.
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        if (protocol == "consumer")
        {
            // The KIP-848 protocol assigns on the broker and refuses the client-side assignment settings.
            config = new ConsumerConfig(config
                .Where(setting => setting.Key is not ("partition.assignment.strategy" or "session.timeout.ms"))
                .ToDictionary());
        }
        else
        {
            config.SessionTimeoutMs = 6000;
        }

        var consumer = new ConsumerBuilder<Ignore, Ignore>(config).Build();
        consumer.Subscribe(Topic);
        return consumer;
    }

    /// <summary>Polls every member until the condition holds; returns the seconds it took, or -1 past the patience.</summary>
    private static double PollUntil(Stopwatch clock, Func<bool> done, params IConsumer<Ignore, Ignore>[] members)
    {
        while (!done())
        {
            if (clock.Elapsed > Patience)
            {
                return -1;
            }

            foreach (var member in members)
            {
                member.Consume(TimeSpan.FromMilliseconds(20));
            }
        }

        return clock.Elapsed.TotalSeconds;
    }
}
