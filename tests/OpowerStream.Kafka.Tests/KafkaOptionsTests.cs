using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OpowerStream.Kafka.Tests;

public sealed class KafkaOptionsTests
{
    [Fact]
    public void Librdkafka_properties_bind_from_configuration_without_code()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "kafka-1:9092,kafka-2:9092",
            ["Kafka:TopicPrefix"] = "prod",
            ["Kafka:Partitions"] = "12",
            ["Kafka:Producer:sasl.mechanism"] = "SCRAM-SHA-512",
            ["Kafka:Consumer:security.protocol"] = "SASL_SSL",
        }).Value;

        Assert.Equal("kafka-1:9092,kafka-2:9092", options.BootstrapServers);
        Assert.Equal("prod", options.TopicPrefix);
        Assert.Equal(12, options.Partitions);
        Assert.Equal("SCRAM-SHA-512", options.Producer["sasl.mechanism"]);
        Assert.Equal("SASL_SSL", options.Consumer["security.protocol"]);
    }

    [Fact]
    public void Shared_client_settings_reach_producers_and_consumers_and_each_side_overrides_them()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Kafka:Client:security.protocol"] = "SASL_SSL",
            ["Kafka:Client:sasl.mechanism"] = "PLAIN",
            ["Kafka:Producer:sasl.mechanism"] = "SCRAM-SHA-512",
            ["Kafka:Consumer:client.id"] = "reader",
        }).Value;

        Assert.Equal(
            new Dictionary<string, string> { ["security.protocol"] = "SASL_SSL", ["sasl.mechanism"] = "SCRAM-SHA-512" },
            options.ProducerSettings());
        Assert.Equal(
            new Dictionary<string, string> { ["security.protocol"] = "SASL_SSL", ["sasl.mechanism"] = "PLAIN", ["client.id"] = "reader" },
            options.ConsumerSettings());
    }

    [Fact]
    public void The_defaults_are_valid_and_leave_the_broker_to_the_embedded_one()
    {
        var options = Bind([]).Value;

        Assert.Null(options.BootstrapServers);
        Assert.Equal("opower", options.TopicPrefix);
        Assert.Equal(6, options.Partitions);
        Assert.Equal(1, options.ReplicationFactor);
    }

    [Fact]
    public void Every_invalid_setting_is_named_in_one_failure()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Bind(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = " ",
            ["Kafka:TopicPrefix"] = "bad prefix",
            ["Kafka:Partitions"] = "0",
            ["Kafka:ReplicationFactor"] = "0",
            ["Kafka:Client:security.protocl"] = "SSL",
            ["Kafka:Producer:linger.msec"] = "5",
            ["Kafka:Consumer:session.timeout.ms"] = "soon",
        }).Value);

        Assert.Collection(
            failure.Failures,
            message => Assert.StartsWith("Kafka:BootstrapServers is blank", message, StringComparison.Ordinal),
            message => Assert.StartsWith("Kafka:TopicPrefix: The topic prefix 'bad prefix'", message, StringComparison.Ordinal),
            message => Assert.Equal("Kafka:Partitions must be at least 1 (was 0).", message),
            message => Assert.Equal("Kafka:ReplicationFactor must be at least 1 (was 0).", message),
            message => Assert.Contains("Kafka:Client:security.protocl: No such configuration property", message, StringComparison.Ordinal),
            message => Assert.Contains("Kafka:Producer:linger.msec: No such configuration property", message, StringComparison.Ordinal),
            message => Assert.StartsWith("Kafka:Consumer:session.timeout.ms: ", message, StringComparison.Ordinal));
    }

    [Fact]
    public void Confluent_dotnet_properties_are_accepted()
    {
        var options = new KafkaOptions();
        options.Consumer["dotnet.cancellation.delay.max.ms"] = "100";

        Assert.Empty(KafkaOptionsValidator.Problems(options));
    }

    private static IOptions<KafkaOptions> Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddKafkaOptions(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<KafkaOptions>>();
    }
}
