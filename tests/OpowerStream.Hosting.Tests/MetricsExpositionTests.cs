using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpowerStream.Domain;
using OpowerStream.Hosting.Health;
using static OpowerStream.Testing.PrometheusExposition;

namespace OpowerStream.Hosting.Tests;

/// <summary>What <c>/metrics</c> shows, over real HTTP from a started host: OpenTelemetry's Prometheus exporter behind the health endpoint.</summary>
public sealed class MetricsExpositionTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Counters_keep_their_names_and_sum_per_label_set()
    {
        await using var service = await StartAsync();
        service.Metrics.RowsRead(Entity.Interval, 50);
        service.Metrics.RowsPublished(Entity.Interval, 50);
        service.Metrics.RowsApplied(Entity.Interval, 40);
        service.Metrics.RowsApplied(Entity.Interval, 2);
        service.Metrics.RowsApplied(Entity.Rate, 4);
        service.Metrics.RowsRejected(Entity.Interval, "negative_usage", 5);
        service.Metrics.RowsRejected(Entity.Interval, "invalid_enum", 3);
        service.Metrics.FileRefused("unrecognized_file_name");
        service.Metrics.FileDuplicate("rates");
        service.Metrics.PermanentFailure(Entity.Interval);

        var text = await service.ScrapeAsync();

        Assert.Contains("# TYPE opowerstream_rows_applied_total counter\n", text, StringComparison.Ordinal);
        Assert.Equal(50, Sample(text, "opowerstream_rows_read_total{entity=\"intervals\"}"));
        Assert.Equal(50, Sample(text, "opowerstream_rows_published_total{entity=\"intervals\"}"));
        Assert.Equal(42, Sample(text, "opowerstream_rows_applied_total{entity=\"intervals\"}"));
        Assert.Equal(4, Sample(text, "opowerstream_rows_applied_total{entity=\"rates\"}"));
        Assert.Equal(5, Sample(text, "opowerstream_rows_rejected_total{entity=\"intervals\",rule=\"negative_usage\"}"));
        Assert.Equal(3, Sample(text, "opowerstream_rows_rejected_total{entity=\"intervals\",rule=\"invalid_enum\"}"));
        Assert.Equal(1, Sample(text, "opowerstream_files_refused_total{reason=\"unrecognized_file_name\"}"));
        Assert.Equal(1, Sample(text, "opowerstream_files_duplicate_total{entity=\"rates\"}"));
        Assert.Equal(1, Sample(text, "opowerstream_consumer_permanent_failures_total{entity=\"intervals\"}"));

        service.Metrics.RowsApplied(Entity.Interval, 8);
        Assert.Equal(50, Sample(await service.ScrapeAsync(), "opowerstream_rows_applied_total{entity=\"intervals\"}"));
    }

    [Fact]
    public async Task The_batch_histogram_has_the_advised_cumulative_buckets_sum_and_count()
    {
        await using var service = await StartAsync();
        service.Metrics.BatchApplied(Entity.Interval, TimeSpan.FromMilliseconds(3));
        service.Metrics.BatchApplied(Entity.Interval, TimeSpan.FromMilliseconds(40));
        service.Metrics.BatchApplied(Entity.Interval, TimeSpan.FromSeconds(60));

        var text = await service.ScrapeAsync();

        Assert.Contains("# TYPE opowerstream_batch_duration_seconds histogram\n", text, StringComparison.Ordinal);
        var buckets = Samples(text, "opowerstream_batch_duration_seconds_bucket");
        Assert.Equal(
            ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "+Inf"],
            buckets.Select(b => b.Split("le=\"")[1].Split('"')[0]));
        Assert.Equal(1, Sample(text, "opowerstream_batch_duration_seconds_bucket{entity=\"intervals\",le=\"0.005\"}"));
        Assert.Equal(1, Sample(text, "opowerstream_batch_duration_seconds_bucket{entity=\"intervals\",le=\"0.025\"}"));
        Assert.Equal(2, Sample(text, "opowerstream_batch_duration_seconds_bucket{entity=\"intervals\",le=\"0.05\"}"));
        Assert.Equal(2, Sample(text, "opowerstream_batch_duration_seconds_bucket{entity=\"intervals\",le=\"30\"}"));
        Assert.Equal(3, Sample(text, "opowerstream_batch_duration_seconds_bucket{entity=\"intervals\",le=\"+Inf\"}"));
        Assert.Equal(3, Sample(text, "opowerstream_batch_duration_seconds_count{entity=\"intervals\"}"));
        Assert.Equal(60.043, Sample(text, "opowerstream_batch_duration_seconds_sum{entity=\"intervals\"}")!.Value, 6);
    }

    [Fact]
    public async Task Lag_freshness_backlog_and_build_info_are_gauges()
    {
        await using var service = await StartAsync();
        service.Metrics.ConsumerLag(Entity.Interval, "opower.intervals", 0, 120);
        service.Metrics.ConsumerLag(Entity.Interval, "opower.intervals", 1, 0);
        var completed = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000).AddMilliseconds(250);
        service.Metrics.FileCompleted(Entity.ServiceQuantity, completed);
        service.Metrics.InboxFiles(waiting: 3, inProgress: 1);

        var text = await service.ScrapeAsync();

        Assert.Contains("# TYPE opowerstream_consumer_lag gauge\n", text, StringComparison.Ordinal);
        Assert.Equal(120, Sample(text, "opowerstream_consumer_lag{entity=\"intervals\",partition=\"0\",topic=\"opower.intervals\"}"));
        Assert.Contains("# TYPE opowerstream_last_file_completed_timestamp_seconds gauge\n", text, StringComparison.Ordinal);
        Assert.Equal(1_780_000_000.25, Sample(text, "opowerstream_last_file_completed_timestamp_seconds{entity=\"service-quantities\"}"));
        Assert.Contains("# TYPE opowerstream_inbox_files gauge\n", text, StringComparison.Ordinal);
        Assert.Equal(3, Sample(text, "opowerstream_inbox_files{state=\"waiting\"}"));
        Assert.Equal(1, Sample(text, "opowerstream_inbox_files{state=\"in_progress\"}"));
        var build = BuildInfo.Current;
        Assert.Equal(1, Sample(text,
            $"opowerstream_build_info{{avro=\"{build.ApacheAvro}\",confluent_kafka=\"{build.ConfluentKafka}\",librdkafka=\"{build.LibRdKafka}\",version=\"{build.Version}\"}}"));
        Assert.Equal("2.16.0", build.LibRdKafka);

        service.Metrics.ConsumerLag(Entity.Interval, "opower.intervals", 0, 7);
        service.Metrics.PartitionsReleased(Entity.Interval, "opower.intervals", [1]);
        text = await service.ScrapeAsync();
        Assert.Equal(7, Sample(text, "opowerstream_consumer_lag{entity=\"intervals\",partition=\"0\",topic=\"opower.intervals\"}"));
        Assert.DoesNotContain("partition=\"1\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_and_runtime_metrics_are_exposed()
    {
        await using var service = await StartAsync();

        var text = await service.ScrapeAsync();

        Assert.Contains("# TYPE process_cpu_time_seconds_total counter\n", text, StringComparison.Ordinal);
        Assert.True(Value(Samples(text, "process_memory_usage_bytes").Single()) > 0);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter\n", text, StringComparison.Ordinal);
        Assert.True(Value(Samples(text, "dotnet_gc_heap_total_allocated_bytes_total").Single()) > 0);
        Assert.True(Value(Samples(text, "dotnet_process_memory_working_set_bytes").Single()) > 0);
        Assert.Contains("target_info{service_name=\"opowerstream\",", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_OpenMetrics_format_a_Prometheus_server_asks_for_has_the_same_series()
    {
        await using var service = await StartAsync();
        service.Metrics.RowsApplied(Entity.Interval, 7);
        service.Metrics.BatchApplied(Entity.Interval, TimeSpan.FromMilliseconds(3));
        service.Metrics.FileCompleted(Entity.Interval, DateTimeOffset.FromUnixTimeSeconds(1_780_000_000));
        service.Metrics.InboxFiles(waiting: 2, inProgress: 0);

        // What Prometheus 2.x and 3.x send by default.
        var text = await service.ScrapeAsync("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1");

        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
        Assert.Equal(7, Sample(text, "opowerstream_rows_applied_total{entity=\"intervals\"}"));
        Assert.Equal(1, Sample(text, "opowerstream_batch_duration_seconds_bucket{entity=\"intervals\",le=\"0.005\"}"));
        Assert.Equal(1_780_000_000, Sample(text, "opowerstream_last_file_completed_timestamp_seconds{entity=\"intervals\"}"));
        Assert.Equal(2, Sample(text, "opowerstream_inbox_files{state=\"waiting\"}"));
        Assert.Single(Samples(text, "opowerstream_build_info"));
    }

    [Fact]
    public async Task Each_host_exposes_only_its_own_meters()
    {
        await using var mine = await StartAsync();
        await using var theirs = await StartAsync();
        mine.Metrics.RowsRead(Entity.Rate, 5);
        theirs.Metrics.RowsRead(Entity.Rate, 1000);

        Assert.Equal(5, Sample(await mine.ScrapeAsync(), "opowerstream_rows_read_total{entity=\"rates\"}"));
        Assert.Equal(1000, Sample(await theirs.ScrapeAsync(), "opowerstream_rows_read_total{entity=\"rates\"}"));
    }

    private static async Task<RunningService> StartAsync()
    {
        var host = HealthEndpointHttpTests.Build(("Health:Port", "0"));
        await host.StartAsync();
        return new RunningService(host);
    }

    private sealed class RunningService(IHost host) : IAsyncDisposable
    {
        public PipelineMetrics Metrics { get; } = host.Services.GetRequiredService<PipelineMetrics>();

        public async Task<string> ScrapeAsync(string? accept = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.Services.GetRequiredService<HealthEndpoint>().Address!, "/metrics"));
            if (accept is not null)
            {
                request.Headers.TryAddWithoutValidation("Accept", accept);
            }

            using var response = await Http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
