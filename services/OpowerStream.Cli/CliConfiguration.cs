using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace OpowerStream.Cli;

/// <summary>
/// Configuration for every command, lowest to highest precedence: appsettings.json beside the
/// executable, environment variables (<c>Utility__TimeZone</c>, <c>Kafka__Producer__sasl.password</c>, ...),
/// then the command's own options.
/// </summary>
public static class CliConfiguration
{
    public static HostApplicationBuilder CreateHostBuilder(IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Configuration.AddInMemoryCollection(overrides.Where(o => o.Value is not null));
        return builder;
    }

    public static string StoreLocation(string? option)
    {
        if (option is not null)
        {
            return option;
        }

        return FileAndEnvironment()["Store:Location"] ?? Hosting.StoreOptions.DefaultLocation;
    }

    /// <summary>The utility's zone (<c>Utility:TimeZone</c>), whose local days interval completeness counts.</summary>
    public static TimeZoneInfo UtilityTimeZone() =>
        Domain.Validation.ValidationSettings.FindTimeZone(FileAndEnvironment()["Utility:TimeZone"] ?? "UTC");

    /// <summary>The store as the services open it: its location and the utility's zone.</summary>
    public static Task<Storage.IPipelineStore> OpenStoreAsync(Storage.StoreLocation location, CancellationToken ct) =>
        Storage.PipelineStores.OpenAsync(location, UtilityTimeZone(), ct);

    private static IConfigurationRoot FileAndEnvironment() =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
}
