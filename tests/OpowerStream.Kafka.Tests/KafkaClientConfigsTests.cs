using Confluent.Kafka;

namespace OpowerStream.Kafka.Tests;

public sealed class KafkaClientConfigsTests
{
    private static readonly KafkaOptions Defaults = TestClients.Options("broker:9092");

    [Fact]
    public void The_producer_is_idempotent_fully_acknowledged_and_lz4_compressed()
    {
        var config = KafkaClientConfigs.Producer(Defaults);

        Assert.Equal("broker:9092", config.BootstrapServers);
        Assert.True(config.EnableIdempotence);
        Assert.Equal(Acks.All, config.Acks);
        Assert.Equal(CompressionType.Lz4, config.CompressionType);
        Assert.InRange(config.LingerMs!.Value, 5, 20);
    }

    [Fact]
    public void The_producer_keeps_rows_with_an_empty_key_in_one_partition() =>
        // consistent_random (librdkafka's default) would scatter them, and a file published again after a crash
        // would then count such a row once in each partition it landed in.
        Assert.Equal(Partitioner.Consistent, KafkaClientConfigs.Producer(Defaults).Partitioner);

    [Fact]
    public void The_consumer_stores_offsets_only_when_told_reads_committed_and_never_resets_silently()
    {
        var config = KafkaClientConfigs.Consumer(Defaults, "opower-intervals");

        Assert.Equal("opower-intervals", config.GroupId);
        Assert.True(config.EnableAutoCommit);
        Assert.False(config.EnableAutoOffsetStore);
        Assert.Equal(AutoOffsetReset.Error, config.AutoOffsetReset);
        Assert.Equal(IsolationLevel.ReadCommitted, config.IsolationLevel);
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, config.PartitionAssignmentStrategy);
        Assert.Equal(20, config.FetchQueueBackoffMs);
    }

    [Fact]
    public void The_users_librdkafka_properties_override_the_defaults_and_pass_through_unknown_to_us()
    {
        var options = TestClients.Options("broker:9092");
        options.Producer["linger.ms"] = "50";
        options.Producer["compression.type"] = "zstd";
        options.Producer["sasl.mechanism"] = "PLAIN";
        options.Consumer["partition.assignment.strategy"] = "range";
        options.Consumer["security.protocol"] = "SASL_SSL";

        var producer = KafkaClientConfigs.Producer(options);
        var consumer = KafkaClientConfigs.Consumer(options, "group");

        Assert.Equal(50, producer.LingerMs);
        Assert.Equal(CompressionType.Zstd, producer.CompressionType);
        Assert.Equal("PLAIN", producer.Get("sasl.mechanism"));
        Assert.True(producer.EnableIdempotence);
        Assert.Equal(PartitionAssignmentStrategy.Range, consumer.PartitionAssignmentStrategy);
        Assert.Equal("SASL_SSL", consumer.Get("security.protocol"));
        Assert.Null(consumer.Get("sasl.mechanism"));
    }

    [Fact]
    public void Shared_client_properties_apply_to_both_clients_below_their_own_sections()
    {
        var options = TestClients.Options("broker:9092");
        options.Client["security.protocol"] = "SASL_SSL";
        options.Client["linger.ms"] = "99";
        options.Producer["linger.ms"] = "50";
        options.Consumer["security.protocol"] = "SSL";

        var producer = KafkaClientConfigs.Producer(options);
        var consumer = KafkaClientConfigs.Consumer(options, "group");

        Assert.Equal(("SASL_SSL", 50), (producer.Get("security.protocol"), producer.LingerMs));
        Assert.Equal("SSL", consumer.Get("security.protocol"));
        Assert.True(producer.EnableIdempotence);
    }

    [Fact]
    public void Clients_without_bootstrap_servers_are_refused_with_the_setting_to_fix()
    {
        var error = Assert.Throws<InvalidOperationException>(() => KafkaClientConfigs.Producer(new KafkaOptions()));

        Assert.Contains("Kafka:BootstrapServers", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ErrorCode.OffsetOutOfRange, true)]
    [InlineData(ErrorCode.Local_AutoOffsetReset, true)]
    [InlineData(ErrorCode.Local_Transport, false)]
    [InlineData(ErrorCode.NoError, false)]
    public void Only_position_errors_count_as_out_of_range(ErrorCode code, bool outOfRange) =>
        Assert.Equal(outOfRange, KafkaClientConfigs.IsOffsetOutOfRange(new Error(code)));
}
