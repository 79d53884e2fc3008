using System.Text;
using OpowerStream.Kafka;
using OpowerStream.Kafka.Native;

namespace OpowerStream.Testing;

/// <summary>
/// The broker for tests: the one named by <c>KAFKA_BOOTSTRAP_SERVERS</c> when set (e.g. the project's
/// docker-compose Kafka), otherwise a mock cluster shared by every fixture in the test process. Tests keep
/// apart through their own topics (<see cref="CreateTopics"/>) and groups (<see cref="UniqueGroup"/>).
/// </summary>
public sealed class KafkaFixture : IDisposable
{
    public const string BootstrapServersVariable = "KAFKA_BOOTSTRAP_SERVERS";

    private static readonly Lock SharedClusterLock = new();
    private static MockKafkaCluster? sharedCluster;
    private static int sharedClusterUsers;

    private bool disposed;

    public KafkaFixture()
    {
        BundledLibRdKafka.EnsureLoaded();
        var external = Environment.GetEnvironmentVariable(BootstrapServersVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            BootstrapServers = external;
            return;
        }

        Cluster = AcquireSharedCluster();
        BootstrapServers = Cluster.BootstrapServers;
    }

    public string BootstrapServers { get; }

    /// <summary>The mock cluster, for fault injection; null when the tests run against a real broker.</summary>
    public MockKafkaCluster? Cluster { get; }

    public bool IsMock => Cluster is not null;

    /// <summary>Creates every product topic under a prefix no other call gets, e.g. <c>t-lag-1a2b3c4d</c>.</summary>
    public TopicNames CreateTopics(string testName, int partitions = 3)
    {
        var topics = new TopicNames($"t-{TopicSafe(testName)}-{RandomSuffix()}");
        if (Cluster is not null)
        {
            foreach (var topic in topics.All)
            {
                Cluster.CreateTopic(topic, partitions);
            }
        }
        else
        {
            TopicAdmin.EnsureTopicsAsync(BootstrapServers, topics.All, partitions, replicationFactor: 1, clientConfig: null, CancellationToken.None)
                .GetAwaiter().GetResult();
        }

        return topics;
    }

    public static string UniqueGroup(string name) => $"g-{name}-{RandomSuffix()}";

    public void Dispose()
    {
        if (disposed || Cluster is null)
        {
            return;
        }

        disposed = true;
        ReleaseSharedCluster();
    }

    private static MockKafkaCluster AcquireSharedCluster()
    {
        lock (SharedClusterLock)
        {
            sharedCluster ??= MockKafkaCluster.Start();
            sharedClusterUsers++;
            return sharedCluster;
        }
    }

    // The last fixture out stops the brokers, so no native broker threads outlive the tests.
    private static void ReleaseSharedCluster()
    {
        lock (SharedClusterLock)
        {
            if (--sharedClusterUsers == 0)
            {
                sharedCluster?.Dispose();
                sharedCluster = null;
            }
        }
    }

    private static string RandomSuffix() => Guid.NewGuid().ToString("N")[..8];

    private static string TopicSafe(string name)
    {
        var safe = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        }

        // Long test names would push the topic names past Kafka's limit.
        return safe.Length > 60 ? safe.ToString(0, 60) : safe.ToString();
    }
}
