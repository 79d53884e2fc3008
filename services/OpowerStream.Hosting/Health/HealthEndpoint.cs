using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace OpowerStream.Hosting.Health;

/// <summary>
/// The service's HTTP face on <c>Health:Address</c>:<c>Health:Port</c> (Kestrel, its own tiny
/// pipeline apart from the service's host): <c>/healthz</c> liveness, <c>/readyz</c> readiness (503 with
/// the reason per component while not ready), <c>/metrics</c> the Prometheus exposition (OpenTelemetry's exporter). Started
/// first and stopped last, so it answers while the store migrates and while consumers leave their group.
/// </summary>
public sealed class HealthEndpoint(
    IOptions<HealthOptions> options,
    ServiceHealth health,
    MeterProvider meterProvider,
    IHostApplicationLifetime lifetime,
    ILogger<HealthEndpoint> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>How long a stopping endpoint lets a scrape in progress finish.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private const string MetricsPath = "/metrics";

    private WebApplication? app;

    /// <summary>Where the endpoint listens once started (with the real port when <c>Health:Port</c> is 0); null when off.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(HealthEndpoint).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(settings.ListenAddress(), settings.Port!.Value));
        var web = builder.Build();
        // The service host's meter provider, not one of this web application's own.
        web.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, predicate: null, MetricsPath, configureBranchedPipeline: null, optionsName: null);
        web.Run(HandleAsync);
        await Task.Run(() => web.StartAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        app = web;

        var bound = web.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Address = new Uri(bound);
        Log.HealthEndpointListening(logger, bound);
    }

    public Task StopAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    /// <summary>
    /// Stops and disposes the web server on the thread pool: Kestrel's own awaits capture the caller's
    /// synchronization context, which a host disposed synchronously (or a test framework's) would block.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var running = Interlocked.Exchange(ref app, null);
        if (running is not null)
        {
            await Task.Run(async () =>
            {
                using var drain = new CancellationTokenSource(DrainTimeout);
                await running.StopAsync(drain.Token).ConfigureAwait(false);
                await running.DisposeAsync().ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
    }

    private Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = (int)HttpStatusCode.MethodNotAllowed;
            return Task.CompletedTask;
        }

        return context.Request.Path.Value switch
        {
            "/healthz" => WriteReportAsync(context, health.Liveness(options.Value.LivenessTimeout)),
            "/readyz" => WriteReportAsync(context, Readiness()),
            _ => WriteAsync(context, HttpStatusCode.NotFound, "text/plain; charset=utf-8", "not found: try /healthz, /readyz or /metrics\n"),
        };
    }

    private HealthReport Readiness()
    {
        var report = health.Readiness();
        return lifetime.ApplicationStopping.IsCancellationRequested
            ? new HealthReport(false, ["service: stopping", .. report.Lines])
            : report;
    }

    private static Task WriteReportAsync(HttpContext context, HealthReport report) =>
        WriteAsync(context, report.Healthy ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, "text/plain; charset=utf-8", report.ToText());

    private static Task WriteAsync(HttpContext context, HttpStatusCode status, string contentType, string body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-store";
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.WriteAsync(body, context.RequestAborted);
    }
}
