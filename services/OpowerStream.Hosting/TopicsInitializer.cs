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
            // The admin client is a producer-type client: the producer's settings (security included) fit it,
            // where consumer-only ones (auto.commit.interval.ms, which run sets) would each print a warning.
            kafka.Producer,
            cancellationToken).ConfigureAwait(false);
        readiness.Ready($"{topics.All.Count} topics present");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
