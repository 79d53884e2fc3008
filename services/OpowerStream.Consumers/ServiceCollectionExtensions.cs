using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpowerStream.Domain;
using OpowerStream.Domain.Validation;
using OpowerStream.Hosting;

namespace OpowerStream.Consumers;

public static class ServiceCollectionExtensions
{
    /// <summary>One entity's consumer service; call once per entity the process should consume.</summary>
    public static IServiceCollection AddEntityConsumer(this IServiceCollection services, IConfiguration configuration, Entity entity)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOpowerStreamCore(configuration);
        services.AddOptions<ConsumerOptions>().Bind(configuration.GetSection(ConsumerOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();

        return entity switch
        {
            Entity.Rate => services.AddConsumer(EntityPipelines.Rates),
            Entity.Interval => services.AddConsumer(EntityPipelines.Intervals),
            Entity.ServiceQuantity => services.AddConsumer(EntityPipelines.ServiceQuantities),
            _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
        };
    }

    private static IServiceCollection AddConsumer<T>(this IServiceCollection services, Func<ValidationSettings, EntityPipeline<T>> pipeline)
        where T : class
    {
        services.AddSingleton(sp => pipeline(sp.GetRequiredService<ValidationSettings>()));
        services.AddHostedService<EntityConsumer<T>>();
        return services;
    }
}
