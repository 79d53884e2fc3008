using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpowerStream.Consumers.Failures;
using OpowerStream.Domain;
using OpowerStream.Hosting;
using OpowerStream.Hosting.Health;
using OpowerStream.Kafka;

namespace OpowerStream.Consumers.Tests.Failures;

public sealed class StoreRetryTests : IDisposable
{
    private static readonly PostgresException CheckViolation =
        new("new row for relation \"intervals\" violates check constraint \"refuse_all\"", "ERROR", "ERROR", "23514");

    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ServiceHealth health = new(TimeProvider.System);
    private readonly PipelineMetrics metrics;
    private readonly ConsumerStatus status;
    private readonly MeterListener listener = new();
    private long permanentFailures;

    public StoreRetryTests()
    {
        metrics = new PipelineMetrics(services.GetRequiredService<IMeterFactory>());
        status = new ConsumerStatus(Entity.Interval, health.Component("consumer:intervals"), metrics, new PartitionProgress());
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "opowerstream.consumer.permanent_failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref permanentFailures, value));
        listener.Start();
    }

    [Fact]
    public async Task Transient_failures_are_retried_until_the_batch_applies_without_surfacing()
    {
        var attempts = 0;
        status.Ready("member");

        await Retry().ApplyAsync(_ => ++attempts < 3 ? throw new SqliteException("database is locked", 5) : Task.CompletedTask,
            CancellationToken.None);

        Assert.Equal(3, attempts);
        Assert.True(health.Readiness().Healthy);
        Assert.Equal(0, Interlocked.Read(ref permanentFailures));
    }

    [Fact]
    public async Task A_permanent_failure_is_named_on_readiness_and_counted_until_it_is_fixed()
    {
        var attempts = 0;
        var apply = Retry().ApplyAsync(_ => ++attempts < 4 ? throw CheckViolation : Task.CompletedTask, CancellationToken.None);

        await WaitUntilAsync(() => !health.Readiness().Healthy);
        status.Ready("member of g, 6 partition(s)"); // the loop's report does not hide the failure
        var report = health.Readiness();
        Assert.False(report.Healthy);
        Assert.Contains(report.Lines, l => l.Contains("refuse_all", StringComparison.Ordinal) && l.Contains("permanent", StringComparison.Ordinal));

        await apply;
        status.Ready("member of g, 6 partition(s)");
        Assert.True(health.Readiness().Healthy);
        Assert.Equal(3, Interlocked.Read(ref permanentFailures));
    }

    [Fact]
    public async Task A_permanent_failure_outlasting_the_limit_ends_the_consumer()
    {
        var error = await Assert.ThrowsAsync<PermanentFailureException>(() =>
            Retry(exitAfter: TimeSpan.FromSeconds(1)).ApplyAsync(_ => throw CheckViolation, CancellationToken.None));

        Assert.Same(CheckViolation, error.InnerException);
        Assert.Contains("refuse_all", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transient_failures_never_end_the_consumer_however_long_they_last()
    {
        var attempts = 0;
        await Retry(exitAfter: TimeSpan.FromSeconds(1)).ApplyAsync(
            _ => ++attempts < 40 ? throw new NpgsqlException("connection refused") : Task.CompletedTask,
            CancellationToken.None);

        Assert.Equal(40, attempts);
    }

    [Fact]
    public void Jitter_spreads_the_delays_around_the_backoff()
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        var delays = Enumerable.Range(0, 1000).Select(_ => StoreRetry.Jittered(backoff, TimeSpan.FromSeconds(30))).ToList();

        Assert.All(delays, d => Assert.InRange(d, backoff / 2, backoff * 1.5));
        Assert.True(delays.Distinct().Count() > 100, "delays of instances hit by one outage must spread");
    }

    [Fact]
    public void Jitter_never_waits_longer_than_the_cap()
    {
        var cap = TimeSpan.FromSeconds(30);
        var delays = Enumerable.Range(0, 1000).Select(_ => StoreRetry.Jittered(cap, cap)).ToList();

        Assert.All(delays, d => Assert.InRange(d, cap / 2, cap));
        Assert.Contains(cap, delays);
    }

    public void Dispose()
    {
        listener.Dispose();
        metrics.Dispose();
        services.Dispose();
    }

    private StoreRetry Retry(TimeSpan? exitAfter = null) =>
        new(Entity.Interval, new ConsumerOptions { MaxRetryDelay = TimeSpan.FromMilliseconds(40), ExitAfterPermanentFailure = exitAfter },
            status, metrics, NullLogger.Instance);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10, CancellationToken.None);
        }

        Assert.True(condition());
    }
}
