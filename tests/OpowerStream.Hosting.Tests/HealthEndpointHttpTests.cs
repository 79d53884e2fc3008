using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpowerStream.Domain;
using OpowerStream.Hosting.Health;

namespace OpowerStream.Hosting.Tests;

/// <summary>The endpoint over real HTTP on a loopback port: status codes, bodies and content type follow what the host reports.</summary>
public sealed class HealthEndpointHttpTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Readyz_answers_503_with_the_reason_until_every_component_is_ready_and_healthz_503_when_a_loop_stalls()
    {
        using var host = Build(("Health:Port", "0"), ("Health:LivenessTimeout", "00:00:01"));
        var health = host.Services.GetRequiredService<ServiceHealth>();
        var consumer = health.Component("consumer:rates");
        consumer.NotReady("joining group g");
        await host.StartAsync();
        try
        {
            var endpoint = host.Services.GetRequiredService<HealthEndpoint>().Address!;
            Assert.Equal(IPAddress.Loopback.ToString(), endpoint.Host);

            var notReady = await GetAsync(endpoint, "/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Status);
            Assert.Equal("unavailable\nconsumer:rates: not ready (joining group g)\n", notReady.Body);

            consumer.Ready("member of g");
            consumer.Beat();
            Assert.Equal((HttpStatusCode.OK, "ok\nconsumer:rates: ready (member of g)\n"), await GetAsync(endpoint, "/readyz"));
            Assert.Equal((HttpStatusCode.OK, "ok\nconsumer:rates: alive\n"), await GetAsync(endpoint, "/healthz"));

            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var stalled = await GetAsync(endpoint, "/healthz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stalled.Status);
            Assert.Contains("consumer:rates: no progress report for", stalled.Body, StringComparison.Ordinal);

            host.Services.GetRequiredService<PipelineMetrics>().RowsApplied(Entity.Rate, 3);
            using var response = await Http.GetAsync(new Uri(endpoint, "/metrics"));
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(3, OpowerStream.Testing.PrometheusExposition.Sample(await response.Content.ReadAsStringAsync(), "opowerstream_rows_applied_total{entity=\"rates\"}"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Without_a_port_nothing_listens()
    {
        using var host = Build();
        await host.StartAsync();
        Assert.Null(host.Services.GetRequiredService<HealthEndpoint>().Address);
        await host.StopAsync();
    }

    [Fact]
    public void An_address_that_is_not_an_IP_is_refused_at_start()
    {
        using var host = Build(("Health:Port", "0"), ("Health:Address", "example.org"));
        var refused = Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync().GetAwaiter().GetResult());
        Assert.Contains("Health:Address must be an IP address", refused.Message, StringComparison.Ordinal);
    }

    internal static IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.Services.AddSingleton<PipelineMetrics>();
        builder.Services.AddHealthAndMetrics(builder.Configuration);
        return builder.Build();
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(Uri endpoint, string path)
    {
        using var response = await Http.GetAsync(new Uri(endpoint, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
