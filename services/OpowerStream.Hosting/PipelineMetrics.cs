using System.Diagnostics.Metrics;
using OpowerStream.Domain;

namespace OpowerStream.Hosting;

/// <summary>The pipeline's metrics (System.Diagnostics.Metrics meter <c>OpowerStream</c>), tagged by entity.</summary>
public sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = "OpowerStream";

    private readonly Meter meter;
    private readonly Counter<long> rowsRead;
    private readonly Counter<long> rowsPublished;
    private readonly Counter<long> rowsApplied;
    private readonly Counter<long> rowsRejected;
    private readonly Counter<long> filesRefused;
    private readonly Histogram<double> batchSeconds;

    public PipelineMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        meter = meterFactory.Create(MeterName);
        rowsRead = meter.CreateCounter<long>("opowerstream.rows.read", "{row}", "Data rows read from inbound files.");
        rowsPublished = meter.CreateCounter<long>("opowerstream.rows.published", "{row}", "Row events acknowledged by Kafka.");
        rowsApplied = meter.CreateCounter<long>("opowerstream.rows.applied", "{row}", "Valid rows applied (or superseded) in the store.");
        rowsRejected = meter.CreateCounter<long>("opowerstream.rows.rejected", "{row}", "Rows rejected by a rule.");
        filesRefused = meter.CreateCounter<long>("opowerstream.files.refused", "{file}", "Inbound files refused as a whole.");
        batchSeconds = meter.CreateHistogram<double>("opowerstream.batch.duration", "s", "Time to validate and apply one consumer batch.");
    }

    public void RowsRead(Entity entity, long count) => rowsRead.Add(count, Tag(entity));

    public void RowsPublished(Entity entity, long count) => rowsPublished.Add(count, Tag(entity));

    public void RowsApplied(Entity entity, long count) => rowsApplied.Add(count, Tag(entity));

    public void RowsRejected(Entity entity, long count) => rowsRejected.Add(count, Tag(entity));

    public void FileRefused(string reason) => filesRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void BatchApplied(Entity entity, TimeSpan elapsed) => batchSeconds.Record(elapsed.TotalSeconds, Tag(entity));

    public void Dispose() => meter.Dispose();

    private static KeyValuePair<string, object?> Tag(Entity entity) => new("entity", entity.Name());
}
