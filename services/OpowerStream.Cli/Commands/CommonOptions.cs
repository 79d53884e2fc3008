using System.CommandLine;
using System.Globalization;

namespace OpowerStream.Cli.Commands;

internal static class CommonOptions
{
    public static Option<string?> Store() => new("--store")
    {
        Description = "sqlite:PATH (default sqlite:data/opowerstream.db) or postgres:CONNECTION_STRING",
    };

    public static Option<string?> BootstrapServers(
        string description = "Kafka bootstrap servers; without it an embedded broker (librdkafka's mock cluster) runs in this process") =>
        new("--bootstrap-servers") { Description = description };

    public static Option<int?> HealthPort() => new("--health-port")
    {
        Description = "Serve /healthz, /readyz and /metrics on this port (Health:Address, default 127.0.0.1; 0 picks a free port); off by default",
    };

    /// <summary>An option holding a local day as yyyy-MM-dd; anything else is a usage error.</summary>
    public static Option<DateOnly?> Day(string name, string description) =>
        new(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    return day;
                }

                result.AddError($"{name} takes a day as yyyy-MM-dd, not '{text}'.");
                return null;
            },
        };
}
