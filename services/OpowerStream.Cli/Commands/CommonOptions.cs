using System.CommandLine;

namespace OpowerStream.Cli.Commands;

internal static class CommonOptions
{
    public static Option<string?> Store() => new("--store")
    {
        Description = "sqlite:PATH (default sqlite:data/opowerstream.db) or postgres:CONNECTION_STRING",
    };

    public static Option<string?> BootstrapServers() => new("--bootstrap-servers")
    {
        Description = "Kafka bootstrap servers; without it an embedded broker (librdkafka's mock cluster) runs in this process",
    };
}
