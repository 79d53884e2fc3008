using System.Runtime.InteropServices;
using Confluent.Kafka;
using OpowerStream.Kafka.Native;

namespace OpowerStream.Kafka;

/// <summary>
/// librdkafka's in-memory mock cluster: real Kafka-protocol brokers on loopback ports that any client or
/// process can use, for machines without a Kafka installation. Limits (librdkafka 2.16): the Admin API
/// cannot create topics (use <see cref="CreateTopic"/>), each partition keeps only about 5 MB, and
/// nothing survives the hosting process.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private readonly MockClusterHandle cluster;

    private MockKafkaCluster(MockClusterHandle cluster, string bootstrapServers)
    {
        this.cluster = cluster;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The brokers' <c>host:port</c> list, for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts brokers with ids 1 to <paramref name="brokerCount"/>.</summary>
    public static MockKafkaCluster Start(int brokerCount = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        BundledLibRdKafka.EnsureLoaded();

        var conf = LibRdKafka.ConfNew();
        // The hosting handle never connects anywhere; only warnings (e.g. from the brokers) are worth showing.
        var logLevelError = LibRdKafka.TrySet(conf, "log_level", "4");
        if (logLevelError is not null)
        {
            LibRdKafka.ConfDestroy(conf);
            throw new InvalidOperationException($"Could not configure the mock cluster's client handle: {logLevelError}");
        }

        var owner = LibRdKafka.NewProducer(conf, out var createError);
        if (owner == IntPtr.Zero)
        {
            LibRdKafka.ConfDestroy(conf);
            throw new InvalidOperationException($"Could not create the mock cluster's client handle: {createError}");
        }

        var clusterPointer = LibRdKafka.MockClusterNew(owner, brokerCount);
        if (clusterPointer == IntPtr.Zero)
        {
            LibRdKafka.Destroy(owner);
            throw new InvalidOperationException($"librdkafka could not start a mock cluster of {brokerCount} broker(s).");
        }

        var handle = new MockClusterHandle(clusterPointer);
        var bootstraps = Marshal.PtrToStringUTF8(LibRdKafka.MockClusterBootstraps(handle));
        if (string.IsNullOrEmpty(bootstraps))
        {
            handle.Dispose();
            throw new InvalidOperationException("The mock cluster reported no bootstrap servers.");
        }

        return new MockKafkaCluster(handle, bootstraps);
    }

    /// <summary>Creates a topic; a topic that already exists is left as it is.</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);

        var err = LibRdKafka.MockTopicCreate(cluster, topic, partitions, replicationFactor);
        if (err != LibRdKafka.RespErrTopicAlreadyExists)
        {
            ThrowIfFailed(err, $"create topic '{topic}' with {partitions} partition(s), replication factor {replicationFactor}");
        }
    }

    /// <summary>Disconnects the broker and refuses new connections until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId) =>
        ThrowIfFailed(LibRdKafka.MockBrokerSetDown(cluster, brokerId), $"set broker {brokerId} down");

    public void SetBrokerUp(int brokerId) =>
        ThrowIfFailed(LibRdKafka.MockBrokerSetUp(cluster, brokerId), $"set broker {brokerId} up");

    /// <summary>
    /// Makes the next requests of one kind (a Kafka protocol ApiKey, see <see cref="KafkaApiKey"/>) fail
    /// with the given errors, one request per error, in order.
    /// </summary>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var codes = Array.ConvertAll(errors, code => (int)code);
        LibRdKafka.MockPushRequestErrors(cluster, apiKey, (nuint)codes.Length, codes);
    }

    /// <summary>Moves a partition's leadership (-1 leaves it without a leader); creates the topic if missing.</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ThrowIfFailed(
            LibRdKafka.MockPartitionSetLeader(cluster, topic, partition, brokerId),
            $"make broker {brokerId} the leader of {topic}[{partition}]");
    }

    /// <summary>
    /// The brokers' <c>group.initial.rebalance.delay.ms</c>: how long the first member of a new (classic) group waits
    /// for others before it is assigned partitions; 3 s by default, as on real Kafka.
    /// </summary>
    public void SetGroupInitialRebalanceDelay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        LibRdKafka.MockGroupInitialRebalanceDelayMs(cluster, checked((int)delay.TotalMilliseconds));
    }

    public void Dispose() => cluster.Dispose();

    private static void ThrowIfFailed(int err, string action)
    {
        if (err != 0)
        {
            throw new KafkaException(new Error((ErrorCode)err, $"Mock cluster could not {action}: {LibRdKafka.ErrorName(err)}"));
        }
    }
}
