using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpowerStream.Domain;
using OpowerStream.Hosting.Metrics;

namespace OpowerStream.Hosting.Tests;

/// <summary>The pipeline's own instruments through the exporter: what <c>/metrics</c> shows.</summary>
public sealed class PrometheusExporterTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Factory => services.GetRequiredService<IMeterFactory>();

    [Fact]
    public void Counters_sum_per_label_set_and_show_as_counters()
    {
        using var metrics = new PipelineMetrics(Factory);
        using var exporter = Started();
        metrics.RowsApplied(Entity.Interval, 40);
        metrics.RowsApplied(Entity.Interval, 2);
        metrics.RowsApplied(Entity.Rate, 4);
        metrics.RowsRejected(Entity.Interval, "negative_usage", 1);

        var text = exporter.Scrape();

        Assert.Contains("# TYPE opowerstream_rows_applied_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("opowerstream_rows_applied_total{entity=\"intervals\"} 42\n", text, StringComparison.Ordinal);
        Assert.Contains("opowerstream_rows_applied_total{entity=\"rates\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("opowerstream_rows_rejected_total{entity=\"intervals\",rule=\"negative_usage\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_batch_histogram_has_cumulative_buckets_sum_and_count()
    {
        using var metrics = new PipelineMetrics(Factory);
        using var exporter = Started();
        metrics.BatchApplied(Entity.Interval, TimeSpan.FromMilliseconds(3));
        metrics.BatchApplied(Entity.Interval, TimeSpan.FromMilliseconds(40));
        metrics.BatchApplied(Entity.Interval, TimeSpan.FromSeconds(60));

        var lines = exporter.Scrape().Split('\n');

        Assert.Contains("# TYPE opowerstream_batch_duration_seconds histogram", lines);
        Assert.Contains("opowerstream_batch_duration_seconds_bucket{entity=\"intervals\",le=\"0.005\"} 1", lines);
        Assert.Contains("opowerstream_batch_duration_seconds_bucket{entity=\"intervals\",le=\"0.025\"} 1", lines);
        Assert.Contains("opowerstream_batch_duration_seconds_bucket{entity=\"intervals\",le=\"0.05\"} 2", lines);
        Assert.Contains("opowerstream_batch_duration_seconds_bucket{entity=\"intervals\",le=\"30\"} 2", lines);
        Assert.Contains("opowerstream_batch_duration_seconds_bucket{entity=\"intervals\",le=\"+Inf\"} 3", lines);
        Assert.Contains("opowerstream_batch_duration_seconds_count{entity=\"intervals\"} 3", lines);
        var sum = lines.Single(l => l.StartsWith("opowerstream_batch_duration_seconds_sum{", StringComparison.Ordinal));
        Assert.Equal(60.043, double.Parse(sum.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), 6);
        // Buckets come in ascending order of le, +Inf last.
        var buckets = lines.Where(l => l.Contains("_bucket{", StringComparison.Ordinal)).ToList();
        Assert.EndsWith("le=\"+Inf\"} 3", buckets[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Consumer_lag_is_a_gauge_per_partition_and_released_partitions_disappear()
    {
        using var metrics = new PipelineMetrics(Factory);
        using var exporter = Started();
        metrics.ConsumerLag(Entity.Interval, "opower.intervals", 0, 120);
        metrics.ConsumerLag(Entity.Interval, "opower.intervals", 1, 0);

        var text = exporter.Scrape();
        Assert.Contains("# TYPE opowerstream_consumer_lag gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("opowerstream_consumer_lag{entity=\"intervals\",partition=\"0\",topic=\"opower.intervals\"} 120\n", text, StringComparison.Ordinal);
        Assert.Contains("opowerstream_consumer_lag{entity=\"intervals\",partition=\"1\",topic=\"opower.intervals\"} 0\n", text, StringComparison.Ordinal);

        metrics.ConsumerLag(Entity.Interval, "opower.intervals", 0, 7);
        metrics.PartitionsReleased(Entity.Interval, "opower.intervals", [1]);
        text = exporter.Scrape();
        Assert.Contains("opowerstream_consumer_lag{entity=\"intervals\",partition=\"0\",topic=\"opower.intervals\"} 7\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("partition=\"1\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_this_hosts_meters_are_exposed()
    {
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var mine = new PipelineMetrics(Factory);
        using var theirs = new PipelineMetrics(other.GetRequiredService<IMeterFactory>());
        using var exporter = Started();
        mine.RowsRead(Entity.Rate, 5);
        theirs.RowsRead(Entity.Rate, 1000);

        var text = exporter.Scrape();

        Assert.Contains("opowerstream_rows_read_total{entity=\"rates\"} 5\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1000", text, StringComparison.Ordinal);
    }

    public void Dispose() => services.Dispose();

    private PrometheusExporter Started()
    {
        var exporter = new PrometheusExporter(Factory, [PipelineMetrics.MeterName]);
        exporter.Start();
        return exporter;
    }
}
