using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpowerStream.Hosting;

namespace OpowerStream.Extractor;

public static class ServiceCollectionExtensions
{
    /// <summary>The extractor service: watches <c>Extractor:Inbox</c> and publishes every file's rows.</summary>
    public static IServiceCollection AddExtractor(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOpowerStreamCore(configuration);
        services.AddOptions<ExtractorOptions>().Bind(configuration.GetSection(ExtractorOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new Inbox(sp.GetRequiredService<IOptions<ExtractorOptions>>().Value));
        services.TryAddSingleton<IPublishGate, OpenPublishGate>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IExtractionProgress, LoggedExtractionProgress>();
        services.AddSingleton<FileExtractor>();
        services.AddSingleton<ExtractionRun>();
        services.AddHostedService<ExtractorService>();
        return services;
    }
}
