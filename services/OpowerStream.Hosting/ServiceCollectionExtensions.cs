using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OpowerStream.Hosting.Health;
using OpowerStream.Kafka;
using OpowerStream.Kafka.SchemaRegistry;

namespace OpowerStream.Hosting;

public static class ServiceCollectionExtensions
{
    /// <summary>The resource's <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string DefaultServiceName = "opowerstream";

    /// <summary>
    /// Options (bound from configuration and validated at start), the store, topics, the producer and
    /// metrics: what the extractor and every consumer need. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddOpowerStreamCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(StoreHost)))
        {
            return services;
        }

        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UtilityOptions>().Bind(configuration.GetSection(UtilityOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddKafkaOptions(configuration);

        services.AddSingleton(sp => new TopicNames(sp.GetRequiredService<IOptions<KafkaOptions>>().Value.TopicPrefix));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<UtilityOptions>>().Value.ToValidationSettings());
        services.AddTelemetry(configuration);
        services.AddSingleton<PipelineMetrics>();
        services.AddSingleton<KafkaProducerHandle>();
        services.AddSingleton<PartitionProgress>();
        services.AddSingleton(sp => new EventFraming(sp.GetRequiredService<IOptions<KafkaOptions>>().Value, sp.GetRequiredService<ILogger<EventFraming>>()));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServiceHealth>();

        // Registration order is start order: the store and the topics exist before anything uses them.
        services.AddSingleton<StoreHost>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreHost>());
        services.AddHostedService<TopicsInitializer>();
        return services;
    }

    /// <summary>
    /// The health and metrics endpoint of a service process (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>),
    /// configured by the <c>Health</c> section and off unless <c>Health:Port</c> is set. Every service
    /// command calls this once; it starts before the host's other services and stops after them.
    /// </summary>
    public static IServiceCollection AddHealthAndMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(HealthEndpoint)))
        {
            return services;
        }

        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServiceHealth>();
        services.AddTelemetry(configuration);
        services.AddSingleton<HealthEndpoint>();
        // Hosted services start in registration order and stop in reverse: first in, last out.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<HealthEndpoint>()));
        return services;
    }

    /// <summary>
    /// OpenTelemetry for the host: a meter provider with the pipeline's meter (only the meters this host's
    /// <see cref="IMeterFactory"/> created, so two hosts in one process never mix their numbers), the .NET
    /// runtime and process instrumentation and the Prometheus exporter behind <c>/metrics</c>; and, when an OTLP
    /// endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>), a
    /// tracer provider exporting the pipeline's spans there. The exporter reads the other <c>OTEL_*</c> settings itself.
    /// </summary>
    private static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(TelemetryMarker)))
        {
            return services;
        }

        services.AddSingleton<TelemetryMarker>();
        services.AddMetrics(metrics => metrics.EnableMetrics(PipelineMetrics.MeterName, instrumentName: null, listenerName: null, MeterScope.Local));
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrEmpty(configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(DefaultServiceName);
                }
            })
            .WithMetrics(metrics => metrics
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddPrometheusExporter(prometheus =>
                {
                    // Every scrape sees the numbers of that moment; series keep today's label sets (no otel_scope_* labels).
                    prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                    prometheus.ScopeInfoEnabled = false;
                }));
        if (OtlpEndpointConfigured(configuration))
        {
            telemetry.WithTracing(tracing => tracing.AddSource(PipelineTracing.SourceName).AddOtlpExporter());
        }

        return services;
    }

    private static bool OtlpEndpointConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);

    /// <summary>Marks a service collection whose telemetry is registered.</summary>
    private sealed class TelemetryMarker;
}
