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

        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        return configuration["Store:Location"] ?? Hosting.StoreOptions.DefaultLocation;
    }
}
