namespace OpowerStream.Kafka;

/// <summary>
/// A mock cluster hosted in this process with the product's topics already created, for runs without
/// configured brokers (<c>opower-stream run</c>) and for other processes to share (<c>opower-stream dev-broker</c>).
/// The data lives only as long as this object.
/// </summary>
public sealed class EmbeddedBroker : IDisposable
{
    private EmbeddedBroker(MockKafkaCluster cluster) => Cluster = cluster;

    public MockKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    public static EmbeddedBroker Start(TopicNames topics, int partitions)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var cluster = MockKafkaCluster.Start();
        try
        {
            // A broker of one process's own consumers need not wait for more members before the first assignment:
            // without this every run spent 3 s (Kafka's default delay) before consuming anything.
            cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
            foreach (var topic in topics.All)
            {
                cluster.CreateTopic(topic, partitions);
            }
        }
        catch
        {
            cluster.Dispose();
            throw;
        }

        return new EmbeddedBroker(cluster);
    }

    public void Dispose() => Cluster.Dispose();
}
