using System.CommandLine;

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
}
