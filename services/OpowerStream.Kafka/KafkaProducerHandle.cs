using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace OpowerStream.Kafka;

/// <summary>
/// The process's one long-lived, idempotent producer (row events and dead letters share it); its
/// batching is where producer throughput comes from. Flushed on dispose so nothing queued is lost.
/// </summary>
public sealed class KafkaProducerHandle : IDisposable
{
    private static readonly TimeSpan FlushOnDisposeTimeout = TimeSpan.FromSeconds(30);

    public KafkaProducerHandle(IOptions<KafkaOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Producer = new ProducerBuilder<byte[], byte[]>(KafkaClientConfigs.Producer(options.Value)).Build();
    }

    public IProducer<byte[], byte[]> Producer { get; }

    /// <summary>Queues a message, waiting for room when librdkafka's local queue is full instead of failing.</summary>
    public void Produce(string topic, Message<byte[], byte[]> message, Action<DeliveryReport<byte[], byte[]>> onDelivery, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                Producer.Produce(topic, message, onDelivery);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                ct.ThrowIfCancellationRequested();
                Producer.Poll(TimeSpan.FromMilliseconds(20));
            }
        }
    }

    public void Dispose()
    {
        Producer.Flush(FlushOnDisposeTimeout);
        Producer.Dispose();
    }
}
