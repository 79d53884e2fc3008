using OpowerStream.Kafka.SchemaRegistry;

namespace OpowerStream.Kafka;

/// <summary>
/// The <c>Kafka</c> configuration section. <see cref="Client"/>, <see cref="Producer"/> and <see cref="Consumer"/>
/// take any librdkafka property (SASL, SSL, timeouts...) from <c>Kafka:Client</c>, <c>Kafka:Producer</c> and
/// <c>Kafka:Consumer</c> and override the product's defaults, so a deployment needs no code for them.
/// </summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary>The brokers; when absent, <c>opower-stream run</c> hosts an <see cref="EmbeddedBroker"/>.</summary>
    public string? BootstrapServers { get; set; }

    public string TopicPrefix { get; set; } = "opower";

    /// <summary>Partitions for topics the product creates; more partitions let more consumers share an entity.</summary>
    public int Partitions { get; set; } = 6;

    public short ReplicationFactor { get; set; } = 1;

    /// <summary>Settings every client shares (producers, consumers, admin clients): security belongs here, once.</summary>
    public Dictionary<string, string> Client { get; init; } = [];

    public Dictionary<string, string> Producer { get; init; } = [];

    public Dictionary<string, string> Consumer { get; init; } = [];

    /// <summary><c>Kafka:SchemaRegistry</c>: Confluent Schema Registry framing of every event, off unless its URL is set.</summary>
    public SchemaRegistryOptions SchemaRegistry { get; init; } = new();

    /// <summary>
    /// What a producer or an admin client applies over the product's defaults: <see cref="Client"/>, then <see cref="Producer"/>.
    /// An admin client is a producer-type client, so the producer's settings fit it, where consumer-only ones would each print a warning.
    /// </summary>
    public IReadOnlyDictionary<string, string> ProducerSettings() => Overlay(Client, Producer);

    /// <summary>What a consumer (or a reader of a group's offsets) applies over the product's defaults: <see cref="Client"/>, then <see cref="Consumer"/>.</summary>
    public IReadOnlyDictionary<string, string> ConsumerSettings() => Overlay(Client, Consumer);

    private static Dictionary<string, string> Overlay(Dictionary<string, string> shared, Dictionary<string, string> specific)
    {
        var settings = new Dictionary<string, string>(shared, StringComparer.Ordinal);
        foreach (var (property, value) in specific)
        {
            settings[property] = value;
        }

        return settings;
    }
}
