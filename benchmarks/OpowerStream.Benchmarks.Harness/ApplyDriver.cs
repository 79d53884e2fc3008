using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpowerStream.Consumers;
using OpowerStream.Domain;
using OpowerStream.Hosting;

namespace OpowerStream.Benchmarks.Harness;

/// <summary>What the apply driver consumes: the broker, the topic prefix, the store, how many rows the topic holds.</summary>
internal sealed record ApplyTarget(string BootstrapServers, string TopicPrefix, string Store, long Rows);

/// <summary>
/// The apply stage alone: the product's intervals consumer host (<c>AddEntityConsumer</c>,
/// the same services <c>opower-stream run</c> hosts) consuming a topic the extractor filled beforehand, until the
/// store applied every row. Timed from the first record consumed (the end of the first batch minus its own
/// duration) to the commit of the last batch, so neither process start nor the consumer-group join (the broker's
/// initial rebalance delay, 3 s) is counted; both are reported apart.
/// </summary>
internal static class ApplyDriver
{
    public static async Task<ApplyResult> RunAsync(ApplyTarget target)
    {
        var started = Stopwatch.StartNew();
        // Like the CLI: the content root is the program's folder, so configuration reloading never watches the store's folder.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = target.BootstrapServers,
            ["Kafka:TopicPrefix"] = target.TopicPrefix,
            ["Store:Location"] = target.Store,
            ["Consumers:GroupPrefix"] = "bench-apply-" + Guid.NewGuid().ToString("N"),
        });
        builder.Services.AddEntityConsumer(builder.Configuration, Entity.Interval);

        using var progress = new AppliedRows(target.Rows, started);
        using var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        try
        {
            await progress.Completed.WaitAsync(TimeSpan.FromHours(2)).ConfigureAwait(false);
        }
        finally
        {
            await host.StopAsync().ConfigureAwait(false);
        }

        return new ApplyResult(progress.Applied, progress.FirstRecordAt, progress.LastCommitAt, started.Elapsed);
    }

    /// <summary>Follows the product's own metrics: rows applied and rejected, and each batch's duration.</summary>
    private sealed class AppliedRows : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly TaskCompletionSource completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly long expected;
        private readonly Stopwatch clock;
        private readonly Lock gate = new();
        private long accounted;

        public AppliedRows(long expected, Stopwatch clock)
        {
            this.expected = expected;
            this.clock = clock;
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PipelineMetrics.MeterName
                    && instrument.Name is "opowerstream.rows.applied" or "opowerstream.rows.rejected" or "opowerstream.batch.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => OnRows(instrument.Name, value));
            listener.SetMeasurementEventCallback<double>((_, seconds, _, _) => OnBatch(seconds));
            listener.Start();
        }

        public Task Completed => completed.Task;

        public long Applied { get; private set; }

        public TimeSpan FirstRecordAt { get; private set; } = TimeSpan.MinValue;

        public TimeSpan LastCommitAt { get; private set; }

        public void Dispose() => listener.Dispose();

        private void OnRows(string name, long count)
        {
            lock (gate)
            {
                if (name == "opowerstream.rows.applied")
                {
                    Applied += count;
                }

                accounted += count;
                LastCommitAt = clock.Elapsed;
                if (accounted >= expected)
                {
                    completed.TrySetResult();
                }
            }
        }

        // The product records a batch's duration (from its first record decoded to its commit) after its rows.
        private void OnBatch(double seconds)
        {
            lock (gate)
            {
                if (FirstRecordAt == TimeSpan.MinValue)
                {
                    FirstRecordAt = clock.Elapsed - TimeSpan.FromSeconds(seconds);
                }
            }
        }
    }
}

/// <summary>Rows applied; when the first record was consumed and the last batch committed, and the whole run, from process start.</summary>
internal sealed record ApplyResult(long Rows, TimeSpan FirstRecordAt, TimeSpan LastCommitAt, TimeSpan Total)
{
    public TimeSpan Applying => LastCommitAt - FirstRecordAt;
}
