using Confluent.Kafka;

namespace OpowerStream.Kafka;

/// <summary>
/// The product's producer and consumer settings. The user's <c>Kafka:Client</c> properties, then
/// <c>Kafka:Producer</c> / <c>Kafka:Consumer</c>, are applied last, so they override every default here.
/// </summary>
public static class KafkaClientConfigs
{
    /// <summary>
    /// Idempotent, fully acknowledged, lz4-compressed; a short linger fills batches of ~100-byte row events
    /// without holding single messages back noticeably.
    /// </summary>
    public static ProducerConfig Producer(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ProducerConfig
        {
            BootstrapServers = RequireBootstrapServers(options),
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = CompressionType.Lz4,
            LingerMs = 10,
            // ~10,000 records of ~100 bytes per partition batch, about 1 MB before compression.
            BatchNumMessages = 10_000,
            BatchSize = 1_000_000,
            // Our delivery handlers read only the outcome: without this, every report copies the message's
            // key, value and headers back from librdkafka into managed memory, once per row.
            DeliveryReportFields = "status",
            // librdkafka's default (consistent_random) sends empty keys (a row whose key column is blank) to a
            // random partition: a file published again after a crash would put such a row in another partition
            // than the first attempt, where the per-(file, partition) line counter counts it a second time.
            // consistent hashes non-empty keys exactly as the default does and keeps empty ones in one partition.
            Partitioner = Partitioner.Consistent,
        };
        ApplyOverrides(config, options.ProducerSettings());
        return config;
    }

    /// <summary>
    /// At-least-once: our code stores an offset only after the store transaction that applied the record
    /// committed, and the stored offsets are auto-committed. An offset that is out of range (trimmed by
    /// retention, or beyond the log) is an error, never a silent jump; because that also applies to a
    /// brand-new group, assign with <see cref="StartPositions{TKey, TValue}"/> from the partitions-assigned handler.
    /// </summary>
    public static ConsumerConfig Consumer(KafkaOptions options, string groupId)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        var config = new ConsumerConfig
        {
            BootstrapServers = RequireBootstrapServers(options),
            GroupId = groupId,
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Error,
            IsolationLevel = IsolationLevel.ReadCommitted,
            // Once the consumer's queue holds queued.min.messages (100,000), librdkafka stops fetching for
            // fetch.queue.backoff.ms, a second by default (librdkafka#2879): a consumer applying more than 100,000
            // rows/s empties the queue before then and waits for the broker. Looking again after 20 ms keeps it fed
            // without a larger queue (the 200,000 this replaced cost ~80 MB per consumer host; benchmarks/README.md).
            FetchQueueBackoffMs = 20,
        };
        ApplyOverrides(config, options.ConsumerSettings());
        UseProductAssignor(config);
        return config;
    }

    /// <summary>
    /// Incremental rebalancing (cooperative-sticky) in the classic group protocol, so a member joining or leaving
    /// does not stop the others' partitions, unless <c>Kafka:Consumer</c> names another assignor. The KIP-848
    /// protocol (<c>group.protocol=consumer</c>) is incremental by design, assigns on the broker and refuses
    /// client-side assignors, so it gets none.
    /// </summary>
    public static void UseProductAssignor(ConsumerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var brokerAssigns = string.Equals(config.Get("group.protocol"), "consumer", StringComparison.OrdinalIgnoreCase);
        if (!brokerAssigns && config.PartitionAssignmentStrategy is null)
        {
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
        }
    }

    /// <summary>
    /// A client of a group that never joins it (it does not subscribe) and never commits on its own: it reads the
    /// group's committed offsets (lag, replay plans). <paramref name="clientConfig"/> (<see cref="KafkaOptions.ConsumerSettings"/>) applies last.
    /// </summary>
    public static ConsumerConfig GroupReader(string bootstrapServers, string groupId, IReadOnlyDictionary<string, string>? clientConfig)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
        };
        ApplyOverrides(config, clientConfig ?? new Dictionary<string, string>());
        return config;
    }

    /// <summary>
    /// Where to start each newly assigned partition: at the group's committed offset, or at the beginning of
    /// the log when the group has none yet. Call from <c>SetPartitionsAssignedHandler</c> and return the result.
    /// </summary>
    public static IEnumerable<TopicPartitionOffset> StartPositions<TKey, TValue>(
        IConsumer<TKey, TValue> consumer, IEnumerable<TopicPartition> assigned, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(assigned);
        return consumer.Committed(assigned, timeout)
            .Select(committed => committed.Offset == Offset.Unset
                ? new TopicPartitionOffset(committed.TopicPartition, Offset.Beginning)
                : committed)
            .ToList();
    }

    /// <summary>
    /// True for the errors a consumer reports when its position is outside the partition's log: the broker's
    /// OFFSET_OUT_OF_RANGE, or librdkafka refusing to reset because <c>auto.offset.reset</c> is <c>error</c>.
    /// </summary>
    public static bool IsOffsetOutOfRange(Error error) =>
        error?.Code is ErrorCode.OffsetOutOfRange or ErrorCode.Local_AutoOffsetReset;

    private static string RequireBootstrapServers(KafkaOptions options) =>
        string.IsNullOrWhiteSpace(options.BootstrapServers)
            ? throw new InvalidOperationException(
                $"{KafkaOptions.SectionName}:BootstrapServers is not set: configure the brokers or start an embedded broker first.")
            : options.BootstrapServers;

    private static void ApplyOverrides(ClientConfig config, IReadOnlyDictionary<string, string> overrides)
    {
        foreach (var (property, value) in overrides)
        {
            config.Set(property, value);
        }
    }
}
