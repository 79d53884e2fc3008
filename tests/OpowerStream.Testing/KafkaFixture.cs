using System.Text;
using DotNet.Testcontainers.Configurations;
using OpowerStream.Kafka;
using OpowerStream.Kafka.Native;
using Testcontainers.Kafka;

namespace OpowerStream.Testing;

/// <summary>Which broker the tests of this process run against.</summary>
public enum TestBrokerKind
{
    /// <summary>The brokers named by <c>KAFKA_BOOTSTRAP_SERVERS</c>.</summary>
    External,

    /// <summary>An Apache Kafka (KRaft) container started through Testcontainers, where a Docker engine answers.</summary>
    Testcontainers,

    /// <summary>librdkafka's mock cluster in this process (the product's embedded broker).</summary>
    Mock,
}

/// <summary>
/// The broker for tests, chosen once per test process: <c>KAFKA_BOOTSTRAP_SERVERS</c> when set; otherwise a real
/// Apache Kafka from Testcontainers when a Docker engine answers; otherwise a mock cluster shared by every fixture
/// in the process. Tests keep apart through their own topics (<see cref="CreateTopics"/>) and groups
/// (<see cref="UniqueGroup"/>). When <c>OPOWERSTREAM_TEST_BROKER_REPORT</c> names a file, the choice is appended
/// to it (infra/scripts/test.sh prints it).
/// </summary>
public sealed class KafkaFixture : IDisposable
{
    public const string BootstrapServersVariable = "KAFKA_BOOTSTRAP_SERVERS";
    public const string BrokerReportVariable = "OPOWERSTREAM_TEST_BROKER_REPORT";
    public const string KafkaImage = "apache/kafka:4.1.0";

    private static readonly Lazy<TestBrokerKind> Kind = new(ChooseKind);
    private static readonly Lazy<string> Container = new(StartContainer);
    private static readonly Lock SharedClusterLock = new();
    private static MockKafkaCluster? sharedCluster;
    private static int sharedClusterUsers;
    private static int reported;

    private bool disposed;

    public KafkaFixture()
    {
        BundledLibRdKafka.EnsureLoaded();
        switch (BrokerKind)
        {
            case TestBrokerKind.External:
                BootstrapServers = Environment.GetEnvironmentVariable(BootstrapServersVariable)!;
                break;
            case TestBrokerKind.Testcontainers:
                BootstrapServers = Container.Value;
                break;
            default:
                Cluster = AcquireSharedCluster();
                BootstrapServers = Cluster.BootstrapServers;
                break;
        }

        Report(BootstrapServers);
    }

    /// <summary>Known before any fixture starts, so tests for one kind of broker can be skipped at discovery.</summary>
    public static TestBrokerKind BrokerKind => Kind.Value;

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

    private static TestBrokerKind ChooseKind()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(BootstrapServersVariable)))
        {
            return TestBrokerKind.External;
        }

        // Null when no Docker engine answers (Testcontainers probes the usual endpoints and DOCKER_HOST).
        return TestcontainersSettings.OS.DockerEndpointAuthConfig is null ? TestBrokerKind.Mock : TestBrokerKind.Testcontainers;
    }

    /// <summary>One Kafka container for the whole test process; Testcontainers' reaper removes it when the process ends.</summary>
    private static string StartContainer()
    {
        var container = new KafkaBuilder(KafkaImage).Build();
        container.StartAsync().GetAwaiter().GetResult();
        return container.GetBootstrapAddress();
    }

    private static void Report(string bootstrapServers)
    {
        var file = Environment.GetEnvironmentVariable(BrokerReportVariable);
        if (string.IsNullOrWhiteSpace(file) || Interlocked.Exchange(ref reported, 1) == 1)
        {
            return;
        }

        var description = BrokerKind switch
        {
            TestBrokerKind.External => $"the brokers of {BootstrapServersVariable} ({bootstrapServers})",
            TestBrokerKind.Testcontainers => $"Apache Kafka {KafkaImage} from Testcontainers ({bootstrapServers})",
            _ => $"librdkafka {BundledLibRdKafka.Version}'s mock cluster in the test process (no {BootstrapServersVariable}, no Docker engine)",
        };
        File.AppendAllText(file, $"Kafka tests ran on {description}{Environment.NewLine}");
    }

    private static MockKafkaCluster AcquireSharedCluster()
    {
        lock (SharedClusterLock)
        {
            if (sharedCluster is null)
            {
                sharedCluster = MockKafkaCluster.Start();
                // As on the embedded broker: a new group's first member is assigned at once, not after 3 s.
                sharedCluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
            }

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
