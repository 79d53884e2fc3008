using System.Diagnostics;
using System.Globalization;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Text;
using Confluent.Kafka;
using OpowerStream.Domain.Files;
using OpowerStream.Extractor;
using OpowerStream.Kafka;

namespace OpowerStream.Benchmarks.Harness;

/// <summary>Where an extract driver publishes: the broker, the topic, the gzip'd interval file.</summary>
internal sealed record ExtractTarget(string BootstrapServers, string Topic, FileInfo File);

/// <summary>How many rows a driver published and how long it took from the first read to the last acknowledgement.</summary>
internal sealed record ExtractResult(long Rows, TimeSpan Elapsed);

/// <summary>
/// The extract baseline. It builds its producer from <see cref="KafkaClientConfigs.Producer"/>, the product's
/// settings, so the difference to <c>opower-stream extract</c> (which run.sh times itself) is what the product
/// does per row and per file: parsing, lineage, Avro encoding, the ledger and the gzip check.
/// </summary>
internal static class ExtractDrivers
{
    private const int ReadBufferBytes = 1 << 20;

    public static bool TryGet(string mode, [NotNullWhen(true)] out Func<ExtractTarget, ExtractResult>? driver)
    {
        driver = mode switch
        {
            "extract-plain" => target => ExtractPlain(target, withLineageHeaders: false),
            "extract-plain-headers" => target => ExtractPlain(target, withLineageHeaders: true),
            _ => null,
        };
        return driver is not null;
    }

    /// <summary>
    /// The baseline: decompress, send each data line as one message keyed by its first column. With
    /// <paramref name="withLineageHeaders"/>, each message also carries the four lineage headers the
    /// product sends (file, file timestamp, line, content generation), to show what the headers alone cost in Confluent.Kafka.
    /// </summary>
    private static ExtractResult ExtractPlain(ExtractTarget target, bool withLineageHeaders)
    {
        var fileHeader = new Header(FileExtractor.FileHeader, Encoding.UTF8.GetBytes(target.File.Name));
        var timestampHeader = new Header(FileExtractor.FileTimestampHeader,
            Encoding.ASCII.GetBytes(InboundFileNames.TryParse(target.File.Name, out var name) ? name.Timestamp.ToString(CultureInfo.InvariantCulture) : "0"));
        var generationHeader = new Header(FileExtractor.ContentGenerationHeader, "1"u8.ToArray());
        using var producer = new ProducerBuilder<byte[], byte[]>(
            KafkaClientConfigs.Producer(new KafkaOptions { BootstrapServers = target.BootstrapServers })).Build();
        var stopwatch = Stopwatch.StartNew();
        using var stream = OpenSequential(target.File);
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var lines = new StreamReader(gzip, Encoding.UTF8, false, ReadBufferBytes);
        var deliveries = new DeliveryTracker();
        lines.ReadLine(); // the header
        long rows = 0;
        while (lines.ReadLine() is { } line)
        {
            var keyEnd = line.IndexOf('\t', StringComparison.Ordinal);
            var message = new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes(keyEnd < 0 ? line : line[..keyEnd]),
                Value = Encoding.UTF8.GetBytes(line),
                Headers = withLineageHeaders
                    ? [fileHeader, timestampHeader, new Header(FileExtractor.LineHeader, Encoding.ASCII.GetBytes((rows + 2).ToString(CultureInfo.InvariantCulture))), generationHeader]
                    : null,
            };
            ProduceWaitingForRoom(producer, target.Topic, message, deliveries);
            rows++;
        }

        producer.Flush(CancellationToken.None);
        deliveries.EnsureAllAcknowledged(rows, target.File.Name);
        return new ExtractResult(rows, stopwatch.Elapsed);
    }

    // The usual Confluent.Kafka pattern for a full local queue: serve delivery reports, then retry.
    private static void ProduceWaitingForRoom(
        IProducer<byte[], byte[]> producer, string topic, Message<byte[], byte[]> message, DeliveryTracker deliveries)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, deliveries.OnDelivery);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(20));
            }
        }
    }

    private static FileStream OpenSequential(FileInfo file) =>
        new(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, ReadBufferBytes, FileOptions.SequentialScan);
}
