using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpowerStream.Cli.Commands;
using OpowerStream.Extractor;
using OpowerStream.Hosting;
using OpowerStream.Hosting.Health;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests.Monitoring;

/// <summary>
/// The monitoring half of docker-compose.yml without a Docker engine: docker-compose and promtool
/// validate the files, the Prometheus configuration must scrape every OpowerStream service the compose
/// file defines, and every query of the provisioned Grafana dashboard runs on a real Prometheus that
/// scrapes a running pipeline.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class MonitoringStackTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    private const string OpowerStreamImage = "opowerstream:local";
    private const string PrometheusConfigInContainer = "/etc/prometheus/prometheus.yml";
    private const string GrafanaProvisioningInContainer = "/etc/grafana/provisioning";
    private const string IntervalHeader = "service_point_id\tdate\ttime\tusage_value\tunits\tis_estimate\tUTC_offset\tservice_type\tservice_quantity_identifier";

    /// <summary>Panels whose queries may rightly return nothing on a healthy pipeline: they show failures.</summary>
    private static readonly HashSet<string> FailurePanels = new(["Files refused and failures"], StringComparer.Ordinal);

    private static readonly string Dashboard = RepositoryRoot.Combine("infra", "grafana", "dashboards", "opowerstream-pipeline.json");

    [Fact]
    public async Task The_compose_file_is_valid_and_Prometheus_scrapes_every_OpowerStream_service_it_defines()
    {
        var services = (await MonitoringTools.ComposeConfigAsync()).GetProperty("services");
        var pipelineServices = services.EnumerateObject()
            .Where(s => s.Value.TryGetProperty("image", out var image) && image.GetString() == OpowerStreamImage)
            .Select(s => (Name: s.Name, Port: int.Parse(s.Value.GetProperty("environment").GetProperty("Health__Port").GetString()!, System.Globalization.CultureInfo.InvariantCulture)))
            .Order().ToList();
        Assert.Equal(["extractor", "intervals-consumer", "rates-consumer", "service-quantities-consumer"], pipelineServices.Select(s => s.Name));

        var prometheusConfig = RepositoryRoot.Combine("infra", "prometheus", "prometheus.yml");
        output.WriteLine(await MonitoringTools.CheckPrometheusConfigAsync(prometheusConfig));
        var scraped = (await MonitoringTools.ReadYamlAsync(prometheusConfig)).GetProperty("scrape_configs").EnumerateArray()
            .SelectMany(job => job.GetProperty("dns_sd_configs").EnumerateArray())
            .SelectMany(sd => sd.GetProperty("names").EnumerateArray().Select(name => (Name: name.GetString()!, Port: sd.GetProperty("port").GetInt32())))
            .Order().ToList();
        Assert.Equal(pipelineServices, scraped);

        Assert.Contains((RepositoryRoot.Combine("infra", "prometheus", "prometheus.yml"), PrometheusConfigInContainer), Mounts(services.GetProperty("prometheus")));
        Assert.Contains(services.GetProperty("prometheus").GetProperty("command").EnumerateArray(), a => a.GetString() == "--config.file=" + PrometheusConfigInContainer);

        var grafanaMounts = Mounts(services.GetProperty("grafana"));
        Assert.Contains((RepositoryRoot.Combine("infra", "grafana", "provisioning"), GrafanaProvisioningInContainer), grafanaMounts);
        var provider = (await MonitoringTools.ReadYamlAsync(RepositoryRoot.Combine("infra", "grafana", "provisioning", "dashboards", "opowerstream.yml")))
            .GetProperty("providers").EnumerateArray().Single();
        Assert.Contains((Path.GetDirectoryName(Dashboard)!, provider.GetProperty("options").GetProperty("path").GetString()!), grafanaMounts);
    }

    [Fact]
    public async Task Every_dashboard_panel_reads_the_provisioned_Prometheus_and_the_operators_panels_are_there()
    {
        var dataSource = (await MonitoringTools.ReadYamlAsync(RepositoryRoot.Combine("infra", "grafana", "provisioning", "datasources", "prometheus.yml")))
            .GetProperty("datasources").EnumerateArray().Single();
        Assert.Equal("prometheus", dataSource.GetProperty("type").GetString());
        Assert.Equal("http://prometheus:9090", dataSource.GetProperty("url").GetString());
        var uid = dataSource.GetProperty("uid").GetString();

        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Dashboard));
        Assert.Equal("opowerstream-pipeline", dashboard.RootElement.GetProperty("uid").GetString());
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        foreach (var panel in panels)
        {
            Assert.Equal(uid, panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.NotEmpty(panel.GetProperty("targets").EnumerateArray());
            Assert.All(panel.GetProperty("targets").EnumerateArray(), t => Assert.Equal(uid, t.GetProperty("datasource").GetProperty("uid").GetString()));
        }

        var titles = panels.Select(p => p.GetProperty("title").GetString()).ToList();
        foreach (var required in (string[])["Rows per second by entity", "Consumer lag by entity", "Rejects by rule", "Age of the last completed file", "Inbox backlog"])
        {
            Assert.Contains(required, titles);
        }
    }

    [Fact]
    public async Task Every_dashboard_query_runs_on_a_real_Prometheus_scraping_the_running_pipeline()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "dashboard");
        scenario.Settings["Health:Port"] = "0";
        scenario.Drop(IntervalFileName(15, 20260106000000), string.Join('\n',
            IntervalHeader,
            "SP-1\t20260105\t0015\t1.5\tKWH\tA\t+0000\tELECTRIC\tCONSUMED",
            "SP-2\t20260105\t0015\t2.5\tKWH\tE\t+0000\tELECTRIC\tCONSUMED",
            "SP-3\t20260105\t0015\t-1\tKWH\tA\t+0000\tELECTRIC\tCONSUMED") + "\n");
        scenario.Drop(AccountFileName(20260106000000), Accounts(("SA1", "R-A", "2020-01-01")));

        using var host = scenario.BuildHost(consumers: null, extractor: true);
        await host.StartAsync();
        try
        {
            var outcomes = await host.Services.GetRequiredService<ExtractionRun>().Completed.WaitAsync(TimeSpan.FromMinutes(1));
            await new ReconciliationWaiter(host.Services.GetRequiredService<StoreHost>().Store, TimeSpan.FromSeconds(60))
                .WaitAsync(outcomes, host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping, CancellationToken.None);
            var endpoint = host.Services.GetRequiredService<HealthEndpoint>().Address!;

            await using var prometheus = await PrometheusServer.StartAsync("pipeline", endpoint.Authority, output);
            using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Dashboard));
            foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
            {
                var title = panel.GetProperty("title").GetString()!;
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    var expression = AsGrafanaSendsIt(target.GetProperty("expr").GetString()!);
                    var result = FailurePanels.Contains(title)
                        ? await prometheus.QueryAsync(expression)
                        : await prometheus.QueryUntilPresentAsync(expression, TimeSpan.FromSeconds(30));
                    output.WriteLine($"{title}: {expression} -> {result}");
                    Assert.True(FailurePanels.Contains(title) || result.GetArrayLength() > 0, $"Panel '{title}': '{expression}' returned no series from the running pipeline.");
                }
            }

            var rejects = await prometheus.QueryAsync(AsGrafanaSendsIt("sum by (entity, rule) (increase(opowerstream_rows_rejected_total[$__range]))"));
            Assert.Equal("negative_usage", rejects.EnumerateArray().Single().GetProperty("metric").GetProperty("rule").GetString());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>Grafana's interval macros replaced as it would for a short range scraped every second.</summary>
    private static string AsGrafanaSendsIt(string expression) =>
        expression.Replace("$__rate_interval", "30s", StringComparison.Ordinal).Replace("$__range", "5m", StringComparison.Ordinal);

    /// <summary>A service's bind mounts as (host path, container path), from docker-compose's resolved "host:container[:mode]".</summary>
    private static List<(string Host, string Container)> Mounts(JsonElement service) =>
        [.. service.GetProperty("volumes").EnumerateArray().Select(v => v.GetString()!.Split(':')).Select(parts => (parts[0], parts[1]))];
}
