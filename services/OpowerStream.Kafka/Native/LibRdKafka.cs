using System.Runtime.InteropServices;

namespace OpowerStream.Kafka.Native;

/// <summary>
/// The few librdkafka C functions Confluent.Kafka does not wrap: the mock cluster (rdkafka_mock.h) and
/// configuration checks. Bound to the same native library Confluent.Kafka loads.
/// </summary>
internal static partial class LibRdKafka
{
    // Resolved by BundledLibRdKafka to the very file Confluent.Kafka uses.
    private const string Library = "librdkafka";

    internal const int ProducerType = 0;
    internal const int ConfOk = 0;
    internal const int RespErrTopicAlreadyExists = 36;
    private const int ErrorBufferSize = 512;

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_new")]
    internal static partial IntPtr ConfNew();

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_destroy")]
    internal static partial void ConfDestroy(IntPtr conf);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ConfSet(IntPtr conf, string name, string value, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_new")]
    private static partial IntPtr New(int type, IntPtr conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_destroy")]
    internal static partial void Destroy(IntPtr rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_err2str")]
    private static partial IntPtr Err2Str(int err);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_new")]
    internal static partial IntPtr MockClusterNew(IntPtr rk, int brokerCount);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    internal static partial void MockClusterDestroy(IntPtr cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_handle")]
    internal static partial IntPtr MockClusterOwner(IntPtr cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    internal static partial IntPtr MockClusterBootstraps(MockClusterHandle cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockTopicCreate(MockClusterHandle cluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_down")]
    internal static partial int MockBrokerSetDown(MockClusterHandle cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_up")]
    internal static partial int MockBrokerSetUp(MockClusterHandle cluster, int brokerId);

    // The variadic rd_kafka_mock_push_request_errors cannot be called portably; the array form can.
    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    internal static partial void MockPushRequestErrors(MockClusterHandle cluster, short apiKey, nuint count, int[] errors);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_partition_set_leader", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockPartitionSetLeader(MockClusterHandle cluster, string topic, int partition, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    internal static partial void MockGroupInitialRebalanceDelayMs(MockClusterHandle cluster, int delayMs);

    internal static string ErrorName(int err) => Marshal.PtrToStringUTF8(Err2Str(err)) ?? $"error {err}";

    /// <summary>Sets one property; returns librdkafka's own message when it rejects the name or the value.</summary>
    internal static string? TrySet(IntPtr conf, string name, string value)
    {
        var error = new byte[ErrorBufferSize];
        return ConfSet(conf, name, value, error, (nuint)error.Length) == ConfOk ? null : Text(error);
    }

    /// <summary>Creates a client handle that takes ownership of <paramref name="conf"/> on success.</summary>
    internal static IntPtr NewProducer(IntPtr conf, out string? error)
    {
        var buffer = new byte[ErrorBufferSize];
        var rk = New(ProducerType, conf, buffer, (nuint)buffer.Length);
        error = rk == IntPtr.Zero ? Text(buffer) : null;
        return rk;
    }

    private static string Text(byte[] nulTerminated)
    {
        var length = Array.IndexOf(nulTerminated, (byte)0);
        return System.Text.Encoding.UTF8.GetString(nulTerminated, 0, length < 0 ? nulTerminated.Length : length);
    }
}
