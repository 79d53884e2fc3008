using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpowerStream.Cli.Commands;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Hosting;
using OpowerStream.Hosting.Health;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.ServiceEndpoints;
using static OpowerStream.Testing.PrometheusExposition;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>The pipeline host as <c>run</c> builds it, scraped over HTTP while it runs: liveness, readiness, real counters.</summary>
[Collection(PipelineCollection.Name)]
public sealed class HealthEndpointTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Header = "service_point_id\tdate\ttime\tusage_value\tunits\tis_estimate\tUTC_offset\tservice_type\tservice_quantity_identifier";

    [Fact]
    public async Task Metrics_healthz_and_readyz_show_the_rows_the_running_pipeline_applied()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "health");
        scenario.Settings["Health:Port"] = "0";
        var rows = new List<string> { Header };
        for (var sp = 1; sp <= 8; sp++)
        {
            rows.Add($"SP-{sp}\t20260105\t0015\t1.5\tKWH\tA\t+0000\tELECTRIC\tCONSUMED");
        }

        rows.Add("SP-9\t20260105\t0015\t1\tFURLONG\tA\t+0000\tELECTRIC\tCONSUMED");   // invalid_enum units
        rows.Add("SP-10\t20260105\t0015\t-1\tKWH\tA\t+0000\tELECTRIC\tCONSUMED");      // negative_usage
        scenario.Drop(IntervalFileName(15, 20260106000000), string.Join('\n', rows) + "\n");

        using var host = scenario.BuildHost(consumers: null, extractor: true);
        await host.StartAsync();
        try
        {
            var endpoint = host.Services.GetRequiredService<HealthEndpoint>().Address!;
            var outcomes = await host.Services.GetRequiredService<ExtractionRun>().Completed.WaitAsync(TimeSpan.FromMinutes(1));
            var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var files = await new ReconciliationWaiter(host.Services.GetRequiredService<StoreHost>().Store, TimeSpan.FromSeconds(60))
                .WaitAsync(outcomes, stopping, CancellationToken.None);
            Assert.Equal((10L, 8L, 2L), (files.Single().RowsRead, files.Single().RowsApplied, files.Single().RowsRejected));

            var ready = await WaitUntilReadyAsync(endpoint, TimeSpan.FromSeconds(30), body => body.Contains("consumer:rates: ready", StringComparison.Ordinal)
                && body.Contains("consumer:service-quantities: ready", StringComparison.Ordinal));
            Assert.Contains("store: ready (Sqlite)", ready, StringComparison.Ordinal);
            Assert.Contains("kafka: ready", ready, StringComparison.Ordinal);
            Assert.Contains("extractor: ready (every file present was handled (--once))", ready, StringComparison.Ordinal);
            Assert.Contains("consumer:intervals: ready (member of " + scenario.GroupPrefix + "-intervals", ready, StringComparison.Ordinal);

            var (liveStatus, live, _) = await GetAsync(endpoint, "/healthz");
            Assert.Equal(HttpStatusCode.OK, liveStatus);
            Assert.Equal(["ok", "consumer:intervals: alive", "consumer:rates: alive", "consumer:service-quantities: alive"], live.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            var (status, metrics, contentType) = await GetAsync(endpoint, "/metrics");
            output.WriteLine(metrics);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.StartsWith("text/plain", contentType, StringComparison.Ordinal);
            Assert.Equal(10, Sample(metrics, "opowerstream_rows_read_total{entity=\"intervals\"}"));
            Assert.Equal(10, Sample(metrics, "opowerstream_rows_published_total{entity=\"intervals\"}"));
            Assert.Equal(8, Sample(metrics, "opowerstream_rows_applied_total{entity=\"intervals\"}"));
            Assert.Equal(1, Sample(metrics, "opowerstream_rows_rejected_total{entity=\"intervals\",rule=\"invalid_enum\"}"));
            Assert.Equal(1, Sample(metrics, "opowerstream_rows_rejected_total{entity=\"intervals\",rule=\"negative_usage\"}"));
            Assert.Contains("# TYPE opowerstream_batch_duration_seconds histogram\n", metrics, StringComparison.Ordinal);
            Assert.True(Sample(metrics, "opowerstream_batch_duration_seconds_count{entity=\"intervals\"}") >= 1);
            var lag = PrometheusExposition.Samples(metrics, "opowerstream_consumer_lag").Where(l => l.Contains(scenario.Topics.Rows(Entity.Interval), StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(lag);
            Assert.All(lag, line => Assert.Equal(0, Value(line)));
            Assert.InRange(Sample(metrics, "opowerstream_last_file_completed_timestamp_seconds{entity=\"intervals\"}")!.Value,
                DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
            Assert.Equal(0, Sample(metrics, "opowerstream_inbox_files{state=\"waiting\"}"));
            Assert.Equal(0, Sample(metrics, "opowerstream_inbox_files{state=\"in_progress\"}"));

            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(endpoint, "/nothing")).Status);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_true_re_send_is_counted_apart_in_the_duplicate_files_metric()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "duplicate-metric");
        var name = AccountFileName(20260201000000);
        var content = Accounts(("SA1", "R-A", "2020-01-01"));
        scenario.Drop(name, content);
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);
        scenario.Drop(name, content);
        scenario.Settings["Health:Port"] = "0";

        using var host = scenario.BuildHost(consumers: null, extractor: true);
        await host.StartAsync();
        try
        {
            var outcomes = await host.Services.GetRequiredService<ExtractionRun>().Completed.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Equal([FileOutcomeKind.Duplicate], outcomes.Select(o => o.Kind));

            var (_, metrics, _) = await GetAsync(host.Services.GetRequiredService<HealthEndpoint>().Address!, "/metrics");
            Assert.Equal(1, Sample(metrics, "opowerstream_files_duplicate_total{entity=\"rates\"}"));
            Assert.Empty(PrometheusExposition.Samples(metrics, "opowerstream_files_refused_total"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

}
