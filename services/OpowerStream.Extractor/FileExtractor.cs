using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Domain.Files;
using OpowerStream.Hosting;
using OpowerStream.Kafka;
using OpowerStream.Storage;

namespace OpowerStream.Extractor;

/// <summary>
/// Publishes one inbound file: every data row becomes one Avro event on the entity's topic, keyed
/// so one meter's / bill segment's / agreement's events stay in order. Values are published raw;
/// the consumers validate. The ledger says Published only after Kafka acknowledged every row.
/// </summary>
public sealed class FileExtractor(
    KafkaProducerHandle producer,
    TopicNames topics,
    StoreHost storeHost,
    Inbox inbox,
    IPublishGate gate,
    PipelineMetrics metrics,
    ILogger<FileExtractor> logger)
{
    private const int ReadBufferBytes = 1 << 20;
    private const int RowsBetweenGateChecks = 5_000;

    public async Task<FileOutcome> ExtractAsync(FileInfo file, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        var started = DateTimeOffset.UtcNow;
        if (!InboundFileNames.TryParse(file.Name, out var name))
        {
            var entry = new FileLedgerEntry(file.Name, null, file.Length, await Sha256Async(file, ct).ConfigureAwait(false),
                FileStatus.Processing, 0, null, null, started, null);
            return await RefuseAsync(file, entry, RuleCodes.UnrecognizedFileName,
                "the name does not follow opwr_<utility>_[<population>_]v<version>_(interval<mm>|billing_servicequantity|billing_account)_<yyyyMMddHHmmss>.<gz|zip|tsv|csv|txt>",
                ct).ConfigureAwait(false);
        }

        var entity = name.Entity.Name();
        var ledger = new FileLedgerEntry(file.Name, entity, file.Length, await Sha256Async(file, ct).ConfigureAwait(false),
            FileStatus.Processing, 0, null, null, started, null);
        await storeHost.Store.RecordFileAsync(ledger, ct).ConfigureAwait(false);
        Log.FileStarted(logger, file.Name, entity, file.Length);

        try
        {
            var stopwatch = Stopwatch.StartNew();
            var rows = await PublishAsync(file, name, ct).ConfigureAwait(false);
            await storeHost.Store.RecordFileAsync(
                ledger with { Status = FileStatus.Published, RowsRead = rows, CompletedAt = DateTimeOffset.UtcNow },
                ct).ConfigureAwait(false);
            inbox.MarkProcessed(file);
            Log.FilePublished(logger, file.Name, entity, rows, stopwatch.ElapsedMilliseconds);
            return new FileOutcome(file.Name, FileOutcomeKind.Published, rows);
        }
        catch (FileRefusedException e)
        {
            return await RefuseAsync(file, ledger, e.Reason, e.Detail, ct).ConfigureAwait(false);
        }
    }

    private async Task<long> PublishAsync(FileInfo file, InboundFileName name, CancellationToken ct)
    {
        using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read,
            ReadBufferBytes, FileOptions.SequentialScan);
        using var reader = InboundFileReader.Open(stream, name);
        if (reader.UnknownColumns.Count > 0)
        {
            Log.UnknownColumns(logger, file.Name, string.Join(", ", reader.UnknownColumns));
        }

        var serializer = RawRowSerializer.For(name.Entity);
        var keyIndex = EntityLayout.For(name.Entity).KeyIndex;
        var topic = topics.Rows(name.Entity);
        var deliveries = new DeliveryTracker();
        long rows = 0;
        foreach (var row in reader.ReadRows())
        {
            var message = new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes(row.Values[keyIndex]?.Trim() ?? ""),
                Value = serializer.Serialize(row),
            };
            producer.Produce(topic, message, deliveries.OnDelivery, ct);
            if (++rows % RowsBetweenGateChecks == 0)
            {
                await gate.WaitUntilOpenAsync(ct).ConfigureAwait(false);
            }
        }

        metrics.RowsRead(name.Entity, rows);
        producer.Producer.Flush(ct);
        deliveries.EnsureAllAcknowledged(rows, file.Name);
        metrics.RowsPublished(name.Entity, rows);
        return rows;
    }

    private async Task<FileOutcome> RefuseAsync(FileInfo file, FileLedgerEntry entry, string reason, string detail, CancellationToken ct)
    {
        await storeHost.Store.RecordFileAsync(
            entry with
            {
                Status = FileStatus.Refused,
                RefusalReason = reason,
                RefusalMessage = detail,
                CompletedAt = DateTimeOffset.UtcNow,
            },
            ct).ConfigureAwait(false);
        inbox.MarkRefused(file, reason, detail);
        metrics.FileRefused(reason);
        Log.FileRefused(logger, file.Name, reason, detail);
        return new FileOutcome(file.Name, FileOutcomeKind.Refused, 0, reason);
    }

    private static async Task<string> Sha256Async(FileInfo file, CancellationToken ct)
    {
        var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read,
            ReadBufferBytes, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
        }
    }
}
