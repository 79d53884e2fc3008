using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OpowerStream.Domain;

namespace OpowerStream.Hosting;

/// <summary>
/// The pipeline's metrics (System.Diagnostics.Metrics meter <c>OpowerStream</c>, created by the host's
/// <see cref="IMeterFactory"/>), tagged by entity; OpenTelemetry exposes them on <c>/metrics</c>.
/// </summary>
public sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = "OpowerStream";

    private readonly Meter meter;
    private readonly Counter<long> rowsRead;
    private readonly Counter<long> rowsPublished;
    private readonly Counter<long> rowsApplied;
    private readonly Counter<long> rowsRejected;
    private readonly Counter<long> filesRefused;
    private readonly Counter<long> filesDuplicate;
    private readonly Histogram<double> batchSeconds;
    private readonly Counter<long> permanentFailures;
    private readonly Gauge<double> lastFileCompleted;
    private readonly Gauge<int> inboxFiles;
    private readonly ConcurrentDictionary<(string Entity, string Topic, int Partition), long> lag = new();

    public PipelineMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        meter = meterFactory.Create(MeterName);
        rowsRead = meter.CreateCounter<long>("opowerstream.rows.read", "{row}", "Data rows read from inbound files.");
        rowsPublished = meter.CreateCounter<long>("opowerstream.rows.published", "{row}", "Row events acknowledged by Kafka.");
        rowsApplied = meter.CreateCounter<long>("opowerstream.rows.applied", "{row}", "Valid rows applied (or superseded) in the store.");
        rowsRejected = meter.CreateCounter<long>("opowerstream.rows.rejected", "{row}", "Rows rejected, by the rule they failed.");
        filesRefused = meter.CreateCounter<long>("opowerstream.files.refused", "{file}", "Inbound files refused as a whole.");
        filesDuplicate = meter.CreateCounter<long>("opowerstream.files.duplicate", "{file}", "True re-sends (a published file's name and content again) skipped.");
        batchSeconds = meter.CreateHistogram<double>("opowerstream.batch.duration", "s", "Time to validate and apply one consumer batch.",
            tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        permanentFailures = meter.CreateCounter<long>("opowerstream.consumer.permanent_failures", "{failure}",
            "Batch applies that failed with an error no retry can fix (a constraint, a privilege, a schema mismatch); each is retried until fixed.");
        meter.CreateObservableGauge("opowerstream.consumer.lag", ObserveLag, "{record}",
            "Records in a partition this consumer owns that it has not applied yet (high watermark minus position).");
        lastFileCompleted = meter.CreateGauge<double>("opowerstream.last_file_completed.timestamp", "s",
            "When the extractor last completed a file (every row acknowledged by Kafka), in Unix seconds.");
        inboxFiles = meter.CreateGauge<int>("opowerstream.inbox.files", "{file}",
            "Files in the inbox as of the extractor's last look: waiting, or in progress.");
        meter.CreateObservableGauge("opowerstream.build.info", ObserveBuild, unit: null,
            "Always 1: the versions of this build and of the Kafka and Avro libraries it runs on, as labels.");
    }

    public void RowsRead(Entity entity, long count) => rowsRead.Add(count, Tag(entity));

    public void RowsPublished(Entity entity, long count) => rowsPublished.Add(count, Tag(entity));

    public void RowsApplied(Entity entity, long count) => rowsApplied.Add(count, Tag(entity));

    public void RowsRejected(Entity entity, string rule, long count) =>
        rowsRejected.Add(count, Tag(entity), new KeyValuePair<string, object?>("rule", rule));

    public void FileRefused(string reason) => filesRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void FileDuplicate(string? entity) => filesDuplicate.Add(1, new KeyValuePair<string, object?>("entity", entity ?? "unknown"));

    public void BatchApplied(Entity entity, TimeSpan elapsed) => batchSeconds.Record(elapsed.TotalSeconds, Tag(entity));

    public void PermanentFailure(Entity entity) => permanentFailures.Add(1, Tag(entity));

    /// <summary>The extractor completed a file of <paramref name="entity"/> at <paramref name="at"/>.</summary>
    public void FileCompleted(Entity entity, DateTimeOffset at) => lastFileCompleted.Record(at.ToUnixTimeMilliseconds() / 1000.0, Tag(entity));

    /// <summary>The inbox as the extractor sees it: files waiting their turn, and the one it is working on.</summary>
    public void InboxFiles(int waiting, int inProgress)
    {
        inboxFiles.Record(waiting, new KeyValuePair<string, object?>("state", "waiting"));
        inboxFiles.Record(inProgress, new KeyValuePair<string, object?>("state", "in_progress"));
    }

    /// <summary>A consumer's lag on a partition it owns, as of its last poll.</summary>
    public void ConsumerLag(Entity entity, string topic, int partition, long records) => lag[(entity.Name(), topic, partition)] = records;

    /// <summary>Partitions this consumer no longer owns: their lag is another instance's to report.</summary>
    public void PartitionsReleased(Entity entity, string topic, IEnumerable<int> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        foreach (var partition in partitions)
        {
            lag.TryRemove((entity.Name(), topic, partition), out _);
        }
    }

    public void Dispose() => meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveLag() =>
        lag.Select(p => new Measurement<long>(p.Value,
            new KeyValuePair<string, object?>("entity", p.Key.Entity),
            new KeyValuePair<string, object?>("topic", p.Key.Topic),
            new KeyValuePair<string, object?>("partition", p.Key.Partition)));

    // Read at the first scrape, not at construction: it loads the native librdkafka.
    private static Measurement<int> ObserveBuild()
    {
        var build = BuildInfo.Current;
        return new Measurement<int>(1,
            new KeyValuePair<string, object?>("version", build.Version),
            new KeyValuePair<string, object?>("librdkafka", build.LibRdKafka),
            new KeyValuePair<string, object?>("confluent_kafka", build.ConfluentKafka),
            new KeyValuePair<string, object?>("avro", build.ApacheAvro));
    }

    private static KeyValuePair<string, object?> Tag(Entity entity) => new("entity", entity.Name());
}
