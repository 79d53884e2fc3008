using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpowerStream.Hosting.Health;
using OpowerStream.Kafka;

namespace OpowerStream.Hosting;

/// <summary>Creates the product's topics that are missing ("already exists" is success), before producers and consumers start.</summary>
public sealed class TopicsInitializer(IOptions<KafkaOptions> options, TopicNames topics, ServiceHealth health) : IHostedService
{
    private readonly HealthComponent readiness = health.Component("kafka");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var kafka = options.Value;
        await TopicAdmin.EnsureTopicsAsync(
            kafka.BootstrapServers!,
            topics.All,
            kafka.Partitions,
            kafka.ReplicationFactor,
            kafka.ProducerSettings(),
            cancellationToken).ConfigureAwait(false);
        readiness.Ready($"{topics.All.Count} topics present");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
