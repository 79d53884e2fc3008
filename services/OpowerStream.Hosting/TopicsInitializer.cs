using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpowerStream.Kafka;

namespace OpowerStream.Hosting;

/// <summary>Creates the product's topics that are missing ("already exists" is success), before producers and consumers start.</summary>
public sealed class TopicsInitializer(IOptions<KafkaOptions> options, TopicNames topics) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var kafka = options.Value;
        return TopicAdmin.EnsureTopicsAsync(
            kafka.BootstrapServers!,
            topics.All,
            kafka.Partitions,
            kafka.ReplicationFactor,
            kafka.Consumer,
            cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
