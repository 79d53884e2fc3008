using Microsoft.Extensions.Options;
using OpowerStream.Kafka.Native;

namespace OpowerStream.Kafka;

/// <summary>
/// Checks <see cref="KafkaOptions"/> at start-up, including each librdkafka property against the native
/// library itself, so a misspelt setting fails with librdkafka's own message instead of at first use.
/// </summary>
public sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    // Confluent.Kafka consumes these itself and never passes them to librdkafka.
    private const string DotnetPropertyPrefix = "dotnet.";

    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IReadOnlyList<string> Problems(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        const string section = KafkaOptions.SectionName;

        if (options.BootstrapServers is not null && string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            problems.Add($"{section}:BootstrapServers is blank: give host:port[,host:port...] or remove it to use the embedded broker.");
        }

        if (KafkaNaming.TopicPrefixProblem(options.TopicPrefix) is { } prefixProblem)
        {
            problems.Add($"{section}:TopicPrefix: {prefixProblem}");
        }

        if (options.Partitions < 1)
        {
            problems.Add($"{section}:Partitions must be at least 1 (was {options.Partitions}).");
        }

        if (options.ReplicationFactor < 1)
        {
            problems.Add($"{section}:ReplicationFactor must be at least 1 (was {options.ReplicationFactor}).");
        }

        problems.AddRange(ClientPropertyProblems($"{section}:Client", options.Client));
        problems.AddRange(ClientPropertyProblems($"{section}:Producer", options.Producer));
        problems.AddRange(ClientPropertyProblems($"{section}:Consumer", options.Consumer));
        problems.AddRange(options.SchemaRegistry.Problems());
        return problems;
    }

    private static List<string> ClientPropertyProblems(string path, IReadOnlyDictionary<string, string> properties)
    {
        var problems = new List<string>();
        // Asks the very librdkafka Confluent.Kafka will load, whoever calls first.
        BundledLibRdKafka.EnsureLoaded();
        var conf = LibRdKafka.ConfNew();
        try
        {
            foreach (var (property, value) in properties)
            {
                if (property.StartsWith(DotnetPropertyPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (LibRdKafka.TrySet(conf, property, value) is { } rejection)
                {
                    problems.Add($"{path}:{property}: {rejection}");
                }
            }
        }
        finally
        {
            LibRdKafka.ConfDestroy(conf);
        }

        return problems;
    }
}
