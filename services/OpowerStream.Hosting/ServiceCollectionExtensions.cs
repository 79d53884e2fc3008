using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpowerStream.Kafka;

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

        // Registration order is start order: the store and the topics exist before anything uses them.
        services.AddSingleton<StoreHost>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreHost>());
        services.AddHostedService<TopicsInitializer>();
        return services;
    }
}
