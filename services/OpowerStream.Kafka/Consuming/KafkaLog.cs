using Microsoft.Extensions.Logging;

namespace OpowerStream.Kafka.Consuming;

/// <summary>The log messages of the Kafka layer's consumer loop (event ids 12xx and 16xx, as before the loop moved here) and of Schema Registry framing (17xx).</summary>
internal static partial class KafkaLog
{
    [LoggerMessage(1200, LogLevel.Information, "Consumer {Name} started: topic {Topic}, group {Group}")]
    public static partial void ConsumerStarted(ILogger logger, string name, string topic, string group);

    [LoggerMessage(1204, LogLevel.Critical, "Consumer {Name} stopped: {Reason}")]
    public static partial void ConsumerFatal(ILogger logger, string name, string reason, Exception? exception);

    [LoggerMessage(1205, LogLevel.Information, "Consumer {Name}: partitions assigned {Partitions}")]
    public static partial void PartitionsAssigned(ILogger logger, string name, string partitions);

    [LoggerMessage(1206, LogLevel.Information, "Consumer {Name}: partitions revoked {Partitions}")]
    public static partial void PartitionsRevoked(ILogger logger, string name, string partitions);

    [LoggerMessage(1208, LogLevel.Information, "Consumer {Name} closed: offsets committed, left group {Group}")]
    public static partial void ConsumerLeftGroup(ILogger logger, string name, string group);

    [LoggerMessage(1209, LogLevel.Information, "Consumer {Name}: a batch is still applying after {WaitMs} ms; partitions paused, polling goes on to keep the group membership")]
    public static partial void PartitionsPaused(ILogger logger, string name, long waitMs);

    [LoggerMessage(1210, LogLevel.Information, "Consumer {Name}: the batch applied after {WaitMs} ms paused; partitions resumed ({Kept} record(s) received while paused kept for the next batch)")]
    public static partial void PartitionsResumed(ILogger logger, string name, long waitMs, int kept);

    [LoggerMessage(1600, LogLevel.Warning, "Consumer {Name}: the broker reported {Code} ({Reason}); the client retries, the batch so far is applied and no record is skipped")]
    public static partial void ConsumeErrorRetried(ILogger logger, string name, string code, string reason);

    [LoggerMessage(1700, LogLevel.Information, "Schema Registry: {Topic} events of {Schema} are framed with schema id {SchemaId}, {How} under the subject {Subject}")]
    public static partial void SchemaFramed(ILogger logger, string topic, string schema, int schemaId, string how, string subject);
}
