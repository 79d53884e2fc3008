using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Domain.Files;
using OpowerStream.Hosting;
using OpowerStream.Hosting.Health;
using OpowerStream.Kafka;
using OpowerStream.Kafka.SchemaRegistry;
using OpowerStream.Storage;

namespace OpowerStream.Extractor;

/// <summary>
/// Publishes one inbound file: every data row becomes one Avro event on the entity's topic, keyed
/// so one meter's / bill segment's / agreement's events stay in order, with its lineage also as
/// Kafka headers. Values are published raw; the consumers validate. The files topic hears
/// <c>file_started</c>, then <c>file_completed</c> only after Kafka acknowledged every row (the
/// ledger says Published at the same moment), or <c>file_refused</c>.
/// </summary>
/// <remarks>
/// Content alone never decides to drop a file: utilities re-send snapshots, and an older content sent again under
/// a newer name is the newest word on its keys. Only a true re-send (the name and the content of a published file)
/// is skipped as a duplicate, unless <see cref="ExtractorOptions.Reprocess"/>; a file repeating another file's
/// content is published, with that noted in the ledger. New content under a name the ledger knows is the name's
/// next content generation: its rows carry it, so all of it wins over all of the older content, and it replaces the
/// old content's reconciliation counters and rejects. A file whose earlier attempt did not complete (the process
/// died part-way) is published again from its first row, in the same generation: rows already published are
/// harmless (sequence-guarded apply, each line counted once).
/// </remarks>
public sealed class FileExtractor(
    KafkaProducerHandle producer,
    PartitionProgress partitionProgress,
    EventFraming framing,
    TopicNames topics,
    StoreHost storeHost,
    Inbox inbox,
    IPublishGate gate,
    IExtractionProgress progress,
    IOptions<ExtractorOptions> options,
    PipelineMetrics metrics,
    ServiceHealth health,
    ILogger<FileExtractor> logger)
{
    private readonly HealthComponent status = health.Component(ExtractorService.HealthComponentName);

    public const string FileHeader = EventHeaders.File;
    public const string FileTimestampHeader = EventHeaders.FileTimestamp;
    public const string LineHeader = EventHeaders.Line;
    public const string ContentGenerationHeader = EventHeaders.ContentGeneration;

    private const int ReadBufferBytes = 1 << 20;
    private const int RowsBetweenGateChecks = 5_000;

    /// <summary>Publishes or refuses <paramref name="file"/>, telling <see cref="IExtractionProgress"/> how it goes.</summary>
    public async Task<FileOutcome> ExtractAsync(FileInfo file, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        using var span = PipelineTracing.Source.StartActivity(PipelineTracing.FileSpan, ActivityKind.Producer);
        span?.SetTag("opowerstream.file", file.Name);
        var size = file.Length;
        var stopwatch = Stopwatch.StartNew();
        FileOutcome outcome;
        try
        {
            outcome = await ExtractFileAsync(file, PipelineTracing.FileContext(span), span, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message).SetTag("opowerstream.outcome", "failed");
            progress.FileFinished(new FileOutcome(file.Name, FileOutcomeKind.Failed, 0, e.Message), size, stopwatch.Elapsed);
            throw;
        }

        span?.SetTag("opowerstream.outcome", outcome.Kind.ToString().ToLowerInvariant());
        progress.FileFinished(outcome, size, stopwatch.Elapsed);
        return outcome;
    }

    private async Task<FileOutcome> ExtractFileAsync(FileInfo file, ActivityContext trace, Activity? span, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var sha256 = await Sha256Async(file, ct).ConfigureAwait(false);
        if (!InboundFileNames.TryParse(file.Name, out var name))
        {
            var entry = new FileLedgerEntry(file.Name, null, file.Length, sha256, FileStatus.Processing, 0, null, null, started, null);
            return await RefuseAsync(file, null, entry, RuleCodes.UnrecognizedFileName,
                "the name does not follow opwr_<utility>_[<population>_]v<version>_(interval<mm>|billing_servicequantity|billing_account)_<yyyyMMddHHmmss>.<gz|zip|tsv|csv|txt>",
                recordInLedger: true, ct).ConfigureAwait(false);
        }

        var store = storeHost.Store;
        var entity = name.Entity.Name();
        span?.SetTag("opowerstream.entity", entity);
        var known = await store.FindFilesAsync(file.Name, sha256, ct).ConfigureAwait(false);
        var sameName = known.FirstOrDefault(f => f.FileName == file.Name);
        if (sameName is { Status: FileStatus.Published } && sameName.Sha256 == sha256 && !options.Value.Reprocess)
        {
            return await SkipResendAsync(file, sameName, ct).ConfigureAwait(false);
        }

        var ledger = new FileLedgerEntry(file.Name, entity, file.Length, sha256, FileStatus.Processing, 0, null, null, started, null)
        {
            ContentGeneration = sameName is null ? Lineage.FirstContentGeneration
                : sameName.Sha256 == sha256 ? sameName.ContentGeneration
                : sameName.ContentGeneration + 1,
            Resends = sameName?.Sha256 == sha256 ? sameName.Resends : 0,
            SameContentAs = known.FirstOrDefault(f => f.FileName != file.Name && f.Sha256 == sha256 && f.Status == FileStatus.Published)?.FileName,
        };
        if (sameName is not null && sameName.Sha256 != sha256)
        {
            await store.RecordReplacedFileAsync(ledger, ct).ConfigureAwait(false);
        }
        else
        {
            await store.RecordFileAsync(ledger, ct).ConfigureAwait(false);
        }

        if (ledger.SameContentAs is { } earlier)
        {
            Log.FileRepeatsContent(logger, file.Name, earlier);
        }

        if (sameName is { Status: FileStatus.Processing } && sameName.Sha256 == sha256)
        {
            Log.FileResumed(logger, file.Name, sameName.StartedAt);
        }

        Log.FileStarted(logger, file.Name, entity, file.Length);
        progress.FileStarted(file.Name, entity, file.Length);
        await PublishFileEventAsync(NewEvent(FileEventKind.FileStarted, file, name, sha256), wait: false, ct).ConfigureAwait(false);

        try
        {
            var stopwatch = Stopwatch.StartNew();
            if (name.Compression == Compression.Gzip)
            {
                // A gzip file found truncated or corrupt part-way must publish nothing, not its first rows.
                GzipVerification.Verify(
                    new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, ReadBufferBytes, FileOptions.SequentialScan), name);
            }

            var rows = await PublishAsync(file, name, ledger.ContentGeneration, trace, ct).ConfigureAwait(false);
            span?.SetTag("opowerstream.rows", rows);
            await PublishFileEventAsync(
                NewEvent(FileEventKind.FileCompleted, file, name, sha256) with { RowsRead = rows, RowsPublished = rows },
                wait: true, ct).ConfigureAwait(false);
            var completed = DateTimeOffset.UtcNow;
            await store.RecordFileAsync(
                ledger with { Status = FileStatus.Published, RowsRead = rows, RowsPublished = rows, CompletedAt = completed },
                ct).ConfigureAwait(false);
            inbox.MarkProcessed(file);
            metrics.FileCompleted(name.Entity, completed);
            Log.FilePublished(logger, file.Name, entity, rows, stopwatch.ElapsedMilliseconds);
            return new FileOutcome(file.Name, FileOutcomeKind.Published, rows);
        }
        catch (FileRefusedException e)
        {
            return await RefuseAsync(file, name, ledger, e.Reason, e.Detail, recordInLedger: true, ct).ConfigureAwait(false);
        }
    }

    /// <summary>A true re-send: its rows are already published with this very sequence, so publishing them again changes nothing.</summary>
    private async Task<FileOutcome> SkipResendAsync(FileInfo file, FileLedgerEntry published, CancellationToken ct)
    {
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"the same name and content (SHA-256 {published.Sha256}) as the file published {published.CompletedAt:yyyy-MM-ddTHH:mm:ssZ}; to publish it again, reprocess (--reprocess or Extractor:Reprocess)");
        await storeHost.Store.RecordFileAsync(published with { Resends = published.Resends + 1 }, ct).ConfigureAwait(false);
        inbox.MarkDuplicate(file, detail);
        metrics.FileDuplicate(published.Entity);
        Log.FileDuplicate(logger, file.Name, detail);
        return new FileOutcome(file.Name, FileOutcomeKind.Duplicate, 0, detail);
    }

    private async Task<long> PublishAsync(FileInfo file, InboundFileName name, int contentGeneration, ActivityContext trace, CancellationToken ct)
    {
        using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read,
            ReadBufferBytes, FileOptions.SequentialScan);
        using var reader = InboundFileReader.Open(stream, name, contentGeneration: contentGeneration);
        if (reader.UnknownColumns.Count > 0)
        {
            Log.UnknownColumns(logger, file.Name, string.Join(", ", reader.UnknownColumns));
        }

        var serializer = RawRowSerializer.For(name.Entity);
        var keyIndex = EntityLayout.For(name.Entity).KeyIndex;
        var topic = topics.Rows(name.Entity);
        var frame = framing.For(topic, serializer);
        var deliveries = new DeliveryTracker(partitionProgress.For(topic));
        var settings = options.Value;
        var lineage = settings.LineageHeaders
            ? new LineageHeaders(file.Name, name.Timestamp, settings.TraceParentHeader ? PipelineTracing.TraceParent(trace) : null)
            : null;
        long rows = 0;
        foreach (var row in reader.ReadRowViews())
        {
            var message = new Message<byte[], byte[]>
            {
                // Trimmed as the consumer's validator reads it: one meter's rows share a partition however they were padded.
                Key = row.TrimmedValue(keyIndex).ToArray(),
                Value = serializer.Serialize(row, frame),
                Headers = lineage?.For(row.Lineage),
            };
            producer.Produce(topic, message, deliveries.OnDelivery, ct);
            if (++rows % RowsBetweenGateChecks == 0)
            {
                progress.Advanced(file.Name, rows, stream.Position);
                status.Beat();
                await gate.WaitUntilOpenAsync(ct).ConfigureAwait(false);
            }
        }

        metrics.RowsRead(name.Entity, rows);
        producer.Producer.Flush(ct);
        deliveries.EnsureAllAcknowledged(rows, file.Name);
        metrics.RowsPublished(name.Entity, rows);
        return rows;
    }

    private async Task<FileOutcome> RefuseAsync(
        FileInfo file, InboundFileName? name, FileLedgerEntry entry, string reason, string detail, bool recordInLedger, CancellationToken ct)
    {
        await PublishFileEventAsync(
            NewEvent(FileEventKind.FileRefused, file, name, entry.Sha256) with { Reason = reason, Detail = detail },
            wait: true, ct).ConfigureAwait(false);
        if (recordInLedger)
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
        }

        inbox.MarkRefused(file, reason, detail);
        metrics.FileRefused(reason);
        Log.FileRefused(logger, file.Name, reason, detail);
        return new FileOutcome(file.Name, FileOutcomeKind.Refused, 0, reason);
    }

    private static FileEvent NewEvent(FileEventKind kind, FileInfo file, InboundFileName? name, string sha256) =>
        new(kind, file.Name, name?.Entity.Name(), name?.Timestamp, file.Length, sha256, null, null, null, null, DateTimeOffset.UtcNow);

    /// <summary>Publishes a file event keyed by file name; with <paramref name="wait"/>, returns only once Kafka acknowledged it.</summary>
    private Task PublishFileEventAsync(FileEvent fileEvent, bool wait, CancellationToken ct)
    {
        var delivery = new DeliveryTracker();
        var serializer = FileEventSerializer.Instance;
        producer.Produce(
            topics.Files,
            new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes(fileEvent.FileName),
                Value = serializer.Serialize(fileEvent, framing.For(topics.Files, serializer)),
            },
            delivery.OnDelivery,
            ct);
        if (wait)
        {
            producer.Producer.Flush(ct);
            delivery.EnsureAllAcknowledged(1, $"{fileEvent.FileName}: file event");
        }

        return Task.CompletedTask;
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

    /// <summary>
    /// A row event's lineage as Kafka headers. The file, its timestamp, the file's <c>traceparent</c> and the
    /// content generation are encoded once per file and shared by every row's headers; only the line is
    /// encoded per row (ASCII decimal).
    /// </summary>
    private sealed class LineageHeaders(string fileName, long fileTimestamp, byte[]? traceParent)
    {
        private readonly Header file = new(FileHeader, Encoding.UTF8.GetBytes(fileName));
        private readonly Header timestamp = new(FileTimestampHeader, Encoding.ASCII.GetBytes(fileTimestamp.ToString(CultureInfo.InvariantCulture)));
        private readonly Header? trace = traceParent is null ? null : new(EventHeaders.TraceParent, traceParent);
        private Header? contentGeneration;
        private int contentGenerationValue;

        public Headers For(Lineage lineage)
        {
            Span<byte> digits = stackalloc byte[20];
            Utf8Formatter.TryFormat(lineage.Line, digits, out var written);
            Headers headers = [file, timestamp, new Header(LineHeader, digits[..written].ToArray()), ContentGeneration(lineage.ContentGeneration)];
            if (trace is not null)
            {
                headers.Add(trace);
            }

            return headers;
        }

        // Taken from each row's lineage, so header and event cannot disagree; built again only when it changes.
        private Header ContentGeneration(int generation)
        {
            if (contentGeneration is null || contentGenerationValue != generation)
            {
                contentGeneration = new Header(ContentGenerationHeader, Encoding.ASCII.GetBytes(generation.ToString(CultureInfo.InvariantCulture)));
                contentGenerationValue = generation;
            }

            return contentGeneration;
        }
    }
}
