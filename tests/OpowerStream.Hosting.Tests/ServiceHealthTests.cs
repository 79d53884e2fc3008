using OpowerStream.Hosting.Health;

namespace OpowerStream.Hosting.Tests;

public sealed class ServiceHealthTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ManualClock clock = new();

    [Fact]
    public void Not_ready_until_every_component_says_so()
    {
        var health = new ServiceHealth(clock);
        Assert.False(health.Readiness().Healthy);

        var store = health.Component("store");
        var consumer = health.Component("consumer:intervals");
        store.Ready("Sqlite");
        consumer.NotReady("joining group g");

        var report = health.Readiness();
        Assert.False(report.Healthy);
        Assert.Equal(["consumer:intervals: not ready (joining group g)", "store: ready (Sqlite)"], report.Lines);

        consumer.Ready();
        Assert.True(health.Readiness().Healthy);
        Assert.StartsWith("ok\n", health.Readiness().ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_loop_that_stops_beating_or_stops_is_not_alive()
    {
        var health = new ServiceHealth(clock);
        health.Component("store").Ready();
        var loop = health.Component("consumer:rates");
        loop.Beat();
        Assert.True(health.Liveness(Timeout).Healthy);

        clock.Advance(TimeSpan.FromSeconds(31));
        var stale = health.Liveness(Timeout);
        Assert.False(stale.Healthy);
        Assert.Equal(["consumer:rates: no progress report for 31 s (limit 30 s)"], stale.Lines);

        loop.Beat();
        Assert.True(health.Liveness(Timeout).Healthy);

        loop.Stopped("consumer closed");
        Assert.False(health.Liveness(Timeout).Healthy);
        Assert.False(health.Readiness().Healthy);
    }

    [Fact]
    public void A_loop_that_finished_its_work_stays_ready_and_is_no_longer_expected_to_beat()
    {
        var health = new ServiceHealth(clock);
        var extractor = health.Component("extractor");
        extractor.Beat();
        extractor.Finished("every file present was handled (--once)");

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(health.Liveness(Timeout).Healthy);
        Assert.Empty(health.Liveness(Timeout).Lines);
        Assert.Equal(["extractor: ready (every file present was handled (--once))"], health.Readiness().Lines);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
