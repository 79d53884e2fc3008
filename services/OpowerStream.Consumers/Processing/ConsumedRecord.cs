namespace OpowerStream.Consumers.Processing;

/// <summary>A Kafka header as the processor sees it: a name and its raw bytes (null when the header has no value).</summary>
public readonly record struct RecordHeader(string Name, byte[]? Value);

/// <summary>One consumed record, free of any Kafka client type: what goes into <see cref="EntityBatchProcessor{T}"/>.</summary>
public sealed record ConsumedRecord(
    string Topic,
    int Partition,
    long Offset,
    byte[]? Key,
    byte[]? Value,
    IReadOnlyList<RecordHeader> Headers)
{
    public bool HasHeader(string name) => Headers.Any(h => h.Name == name);

    /// <summary>The value of the first header called <paramref name="name"/>; null when there is none.</summary>
    public byte[]? Header(string name)
    {
        foreach (var header in Headers)
        {
            if (header.Name == name)
            {
                return header.Value;
            }
        }

        return null;
    }
}

/// <summary>A dead letter ready to publish: the original key, the <c>RejectedRowEvent</c> value and its context headers.</summary>
public sealed record DeadLetter(byte[]? Key, byte[] Value, IReadOnlyList<RecordHeader> Headers);
