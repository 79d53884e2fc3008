using System.CommandLine;
using System.Globalization;
using System.CommandLine.Parsing;
using OpowerStream.Kafka;

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

    /// <summary>Kafka's tools' <c>--command-config</c>: a properties file of client settings, applied as <c>Kafka:Client</c>.</summary>
    public static Option<FileInfo> CommandConfig()
    {
        var option = new Option<FileInfo>("--command-config")
        {
            Description = "Java properties file (key=value lines, # and ! comments) of librdkafka settings for every Kafka client, applied as Kafka:Client:* (schema.registry.* ones as Kafka:SchemaRegistry)",
        };
        option.AcceptExistingOnly();
        return option;
    }

    /// <summary>
    /// The file's properties as configuration overrides, none without a file: <c>Kafka:Client:KEY</c>, except the Schema
    /// Registry client's (<c>schema.registry.url</c> as <c>Kafka:SchemaRegistry:Url</c>, other <c>schema.registry.*</c> as
    /// <c>Kafka:SchemaRegistry:Properties:KEY</c>), so one file carries a client's whole connection.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> CommandConfigOverrides(FileInfo? file) =>
        file is null
            ? []
            : JavaProperties.Read(file.FullName).Select(p => KeyValuePair.Create(ConfigurationKey(p.Key), (string?)p.Value));

    private static string ConfigurationKey(string property) =>
        property == "schema.registry.url" ? $"{KafkaOptions.SectionName}:SchemaRegistry:Url"
        : property.StartsWith("schema.registry.", StringComparison.Ordinal) ? $"{KafkaOptions.SectionName}:SchemaRegistry:Properties:{property}"
        : $"{KafkaOptions.SectionName}:Client:{property}";

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

    /// <summary>An option value parsed by <paramref name="parse"/>; a malformed one is a usage error (exit 2) naming the option.</summary>
    public static T? ParseOrReport<T>(ArgumentResult result, Func<string, T> parse)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(parse);
        var text = result.Tokens.Single().Value;
        try
        {
            return parse(text);
        }
        catch (FormatException e)
        {
            result.AddError($"{((OptionResult)result.Parent!).Option.Name} '{text}': {e.Message}");
            return default;
        }
    }
}
