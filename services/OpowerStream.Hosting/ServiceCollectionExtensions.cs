using Microsoft.Extensions.Configuration;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpowerStream.Hosting.Health;
using OpowerStream.Hosting.Metrics;
using OpowerStream.Kafka;
using OpowerStream.Kafka.SchemaRegistry;

namespace OpowerStream.Hosting;

public static class ServiceCollectionExtensions
{
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
        services.AddMetrics();
        services.AddSingleton<PipelineMetrics>();
        services.AddSingleton<KafkaProducerHandle>();
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
        services.AddMetrics();
        services.AddSingleton(sp => new PrometheusExporter(sp.GetRequiredService<IMeterFactory>(), [PipelineMetrics.MeterName]));
        services.AddSingleton<HealthEndpoint>();
        // Hosted services start in registration order and stop in reverse: first in, last out.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<HealthEndpoint>()));
        return services;
    }
}
