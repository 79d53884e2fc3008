using Confluent.Kafka;

namespace OpowerStream.Kafka;

/// <summary>
/// Counts the delivery reports of a group of produced messages (a file's rows, a batch's dead
/// letters), so the caller can tell after a flush, or after waiting for just these reports, whether
/// every one was acknowledged; with a <see cref="TopicProgress"/>, also how far each partition reaches,
/// for the in-process lag gate.
/// </summary>
public sealed class DeliveryTracker(TopicProgress? progress = null)
{
    private readonly TaskCompletionSource awaitedReported = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long acknowledged;
    private long failed;
    private long awaited = long.MaxValue;
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

        SignalWhenAwaitedReported();
    }

    /// <summary>
    /// Waits until <paramref name="count"/> messages have their delivery report, then throws unless all were
    /// acknowledged. Unlike a flush it does not wait for other messages in the shared producer's queue
    /// (in <c>run</c>, the extractor's rows). librdkafka reports every message within <c>message.timeout.ms</c>.
    /// </summary>
    public async Task EnsureAllAcknowledgedAsync(long count, string what, CancellationToken ct)
    {
        Interlocked.Exchange(ref awaited, count);
        SignalWhenAwaitedReported();
        await awaitedReported.Task.WaitAsync(ct).ConfigureAwait(false);
        EnsureAllAcknowledged(count, what);
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

    private void SignalWhenAwaitedReported()
    {
        if (Acknowledged + Failed >= Interlocked.Read(ref awaited))
        {
            awaitedReported.TrySetResult();
        }
    }
}
