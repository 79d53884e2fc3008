namespace OpowerStream.Kafka;

/// <summary>
/// The <c>Kafka</c> configuration section. <see cref="Producer"/> and <see cref="Consumer"/> take any
/// librdkafka property (SASL, SSL, timeouts...) from <c>Kafka:Producer</c> / <c>Kafka:Consumer</c> and
/// override the product's defaults, so a deployment needs no code for them.
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

    public Dictionary<string, string> Producer { get; init; } = [];

    public Dictionary<string, string> Consumer { get; init; } = [];
}
