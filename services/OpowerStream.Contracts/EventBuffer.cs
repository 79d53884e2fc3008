using System.Buffers;

namespace OpowerStream.Contracts;

/// <summary>
/// One reusable output buffer per thread, so serializing an event allocates only the returned array.
/// </summary>
internal static class EventBuffer
{
    // A rare huge event should not pin its buffer for the thread's lifetime.
    private const int MaxRetainedCapacity = 1024 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    public static ArrayBufferWriter<byte> Rent()
    {
        if (buffer is null || buffer.Capacity > MaxRetainedCapacity)
        {
            buffer = new ArrayBufferWriter<byte>(1024);
        }

        buffer.ResetWrittenCount();
        return buffer;
    }
}
