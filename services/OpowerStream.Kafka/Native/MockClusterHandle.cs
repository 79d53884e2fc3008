using Microsoft.Win32.SafeHandles;

namespace OpowerStream.Kafka.Native;

/// <summary>
/// Owns a mock cluster and the client handle librdkafka needs to host it: the cluster is destroyed
/// first, then its handle, and never while a native call that received this handle is running.
/// </summary>
internal sealed class MockClusterHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public MockClusterHandle()
        : base(ownsHandle: true)
    {
    }

    internal MockClusterHandle(IntPtr cluster)
        : base(ownsHandle: true) => SetHandle(cluster);

    protected override bool ReleaseHandle()
    {
        var owner = LibRdKafka.MockClusterOwner(handle);
        LibRdKafka.MockClusterDestroy(handle);
        LibRdKafka.Destroy(owner);
        return true;
    }
}
