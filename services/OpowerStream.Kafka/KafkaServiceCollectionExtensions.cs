using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OpowerStream.Kafka;

public static class KafkaServiceCollectionExtensions
{
    /// <summary>Binds <see cref="KafkaOptions"/> from the <c>Kafka</c> section and validates them when the host starts.</summary>
    public static OptionsBuilder<KafkaOptions> AddKafkaOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>();
        return services.AddOptions<KafkaOptions>()
            .Bind(configuration.GetSection(KafkaOptions.SectionName))
            .ValidateOnStart();
    }
}
