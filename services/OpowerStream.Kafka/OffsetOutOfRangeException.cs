using Confluent.Kafka;

namespace OpowerStream.Kafka;

/// <summary>
/// A consumer's position is no longer (or not yet) in a partition's log, usually because retention trimmed
/// records the group had not read. Skipping ahead would lose rows without a trace, so consumption stops
/// until an operator moves the group's offsets deliberately.
/// </summary>
public sealed class OffsetOutOfRangeException : KafkaException
{
    public OffsetOutOfRangeException(ConsumeException cause)
        : base(Describe(cause), cause)
    {
        Partition = cause.ConsumerRecord?.TopicPartition;
    }

    /// <summary>The partition concerned, when librdkafka named it.</summary>
    public TopicPartition? Partition { get; }

    private static Error Describe(ConsumeException cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        var partition = cause.ConsumerRecord?.TopicPartition;
        var where = partition is null ? "a partition" : $"{partition.Topic} partition {partition.Partition.Value}";
        return new Error(
            cause.Error.Code,
            $"Offset out of range for {where}: records the group has not read are gone (or the offset is beyond the log). "
            + $"Refusing to skip them; reset the group's offsets deliberately to continue. ({cause.Error.Reason})");
    }
}
