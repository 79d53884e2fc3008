using Confluent.Kafka;

namespace OpowerStream.Kafka;

/// <summary>
/// Counts the delivery reports of a group of produced messages (a file's rows, a batch's dead
/// letters), so the caller can tell after a flush whether every one was acknowledged; with a
/// <see cref="TopicProgress"/>, also how far each partition reaches, for the in-process lag gate.
/// </summary>
public sealed class DeliveryTracker(TopicProgress? progress = null)
{
    private long acknowledged;
    private long failed;
    private Error? firstError;

    public long Acknowledged => Interlocked.Read(ref acknowledged);

    public long Failed => Interlocked.Read(ref failed);

    public void OnDelivery(DeliveryReport<byte[], byte[]> report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Error.IsError)
        {
            Interlocked.CompareExchange(ref firstError, report.Error, null);
            Interlocked.Increment(ref failed);
        }
        else
        {
            Interlocked.Increment(ref acknowledged);
            progress?.Acknowledged(report.Partition.Value, report.Offset.Value);
        }
    }

    /// <summary>Throws unless every one of <paramref name="expected"/> messages was acknowledged.</summary>
    public void EnsureAllAcknowledged(long expected, string what)
    {
        if (Acknowledged != expected)
        {
            throw new KafkaException(firstError ?? new Error(ErrorCode.Local_TimedOut,
                $"{what}: {Acknowledged} of {expected} messages acknowledged, {Failed} failed"));
        }
    }
}
