using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpowerStream.Consumers;
using OpowerStream.Domain;
using OpowerStream.Kafka;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// What the operator commands (<c>status</c>, <c>replay</c>, <c>redrive</c>) share: the Kafka and consumer
/// settings as the services see them (appsettings, environment, then <c>--bootstrap-servers</c>), the store
/// and the entity argument.
/// </summary>
internal sealed class OperatorSettings
{
    public static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(15);

    private OperatorSettings(KafkaOptions kafka, ConsumerOptions consumers)
    {
        Kafka = kafka;
        Consumers = consumers;
        Topics = new TopicNames(kafka.TopicPrefix);
    }

    public KafkaOptions Kafka { get; }

    public ConsumerOptions Consumers { get; }

    public TopicNames Topics { get; }

    /// <summary>The brokers, or null when neither <c>--bootstrap-servers</c> nor <c>Kafka:BootstrapServers</c> names any.</summary>
    public string? BootstrapServers => string.IsNullOrWhiteSpace(Kafka.BootstrapServers) ? null : Kafka.BootstrapServers;

    /// <summary>
    /// The settings with <c>--bootstrap-servers</c> and <c>--command-config</c> applied; Kafka settings that librdkafka
    /// refuses throw <see cref="OptionsValidationException"/> (exit 2 through <see cref="ServiceOptions.ReportingBadSettingsAsync"/>).
    /// </summary>
    public static OperatorSettings Load(string? bootstrapServers, FileInfo? commandConfig)
    {
        var configuration = CliConfiguration.CreateHostBuilder(new Dictionary<string, string?>(CommonOptions.CommandConfigOverrides(commandConfig))
        {
            ["Kafka:BootstrapServers"] = bootstrapServers,
        }).Configuration;
        var kafka = configuration.GetSection(KafkaOptions.SectionName).Get<KafkaOptions>() ?? new KafkaOptions();
        if (KafkaOptionsValidator.Problems(kafka) is { Count: > 0 } problems)
        {
            throw new OptionsValidationException(KafkaOptions.SectionName, typeof(KafkaOptions), problems);
        }

        return new OperatorSettings(kafka, configuration.GetSection(ConsumerOptions.Section).Get<ConsumerOptions>() ?? new ConsumerOptions());
    }

    public static Task<IPipelineStore> OpenStoreAsync(string? storeOption, CancellationToken ct) =>
        CliConfiguration.OpenStoreAsync(StoreLocation.Parse(CliConfiguration.StoreLocation(storeOption)), ct);

    public static Argument<string> EntityArgument()
    {
        var entity = new Argument<string>("entity") { Description = string.Join(" | ", Enum.GetValues<Entity>().Select(e => e.Name())) };
        entity.AcceptOnlyFromAmong([.. Enum.GetValues<Entity>().Select(e => e.Name())]);
        return entity;
    }

    /// <summary>The argument accepts only entity names, so the parse cannot fail here.</summary>
    public static Entity ParseEntity(ParseResult parse, Argument<string> entity) =>
        EntityNames.TryParse(parse.GetRequiredValue(entity), out var parsed) ? parsed : throw new UnreachableException();
}
