using System.Globalization;
using System.Text;
using OpowerStream.Contracts;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;
using OpowerStream.Domain.Validation;
using OpowerStream.Hosting;
using OpowerStream.Storage;

namespace OpowerStream.Consumers.Processing;

/// <summary>
/// The decisions of one entity's consumer, with no broker and no database: each record is decoded
/// (an undecodable one is poison: rejected and dead-lettered as <see cref="UndecodableEvent"/>),
/// validated, and becomes a row or a reject with its dead letter, plus what the per-file counts need.
/// Events come single-object encoded or Schema Registry framed: <paramref name="registry"/> names the writer schema
/// of a framed one (without a registry, a framed event is poison); dead letters are framed by
/// <paramref name="deadLetterFrame"/> (single-object when null).
/// </summary>
public sealed class EntityBatchProcessor<T>(IRowValidator<T> validator, IRegisteredSchemas? registry = null, EventFrame? deadLetterFrame = null)
    where T : class
{
    public const string UndecodableEvent = "undecodable_event";

    private readonly Entity entity = validator.Entity;
    private readonly string entityName = validator.Entity.Name();
    private readonly RawRowSerializer serializer = RawRowSerializer.For(validator.Entity);

    public Entity Entity => entity;

    public ProcessedBatch<T> Process(IReadOnlyCollection<ConsumedRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var batch = new ProcessedBatch<T>(records.Count);
        foreach (var record in records)
        {
            Add(batch, record);
        }

        return batch;
    }

    /// <summary>Adds one record to <paramref name="batch"/>; returns the decode error when the record is poison, else null.</summary>
    public string? Add(ProcessedBatch<T> batch, ConsumedRecord record)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(record);
        if (!batch.FirstSight(record))
        {
            return null;
        }

        NoteFileTrace(batch, record);
        var value = record.Value ?? [];
        if (!TryDecode(value, out var raw, out var decodeError))
        {
            // Poison has no lineage of its own: its place in the log stands in for file and line.
            var lineage = new Lineage($"kafka:{record.Topic} [[{record.Partition}]] @{record.Offset}", 0, record.Offset);
            var poison = new RejectRecord(entityName, lineage, UndecodableEvent, null, decodeError, Convert.ToHexString(value));
            batch.Rejects.Add(poison);
            batch.DeadLetters.Add(DeadLetterOf(record, poison));
            return decodeError;
        }

        var validated = validator.Validate(raw);
        if (validated.IsValid)
        {
            batch.Rows.Add(validated.Row!);
        }
        else
        {
            var rejection = validated.Rejection!;
            var reject = new RejectRecord(entityName, raw.Lineage, rejection.Rule, rejection.Field, rejection.Message,
                RawRowText.Of(raw, entity), Convert.ToBase64String(value));
            batch.Rejects.Add(reject);
            batch.DeadLetters.Add(DeadLetterOf(record, reject));
        }

        batch.Processed.Add(new ProcessedRow(raw.Lineage.SourceFile, record.Partition, raw.Lineage.Line, !validated.IsValid,
            record.HasHeader(EventHeaders.Redrive)));
        return null;
    }

    /// <summary>Remembers the file trace of the record's <c>traceparent</c> header; a missing or malformed one is no reason to refuse the row.</summary>
    private static void NoteFileTrace(ProcessedBatch<T> batch, ConsumedRecord record)
    {
        var traceParent = record.Header(EventHeaders.TraceParent);
        if (traceParent is null || traceParent.AsSpan().SequenceEqual(batch.LastTraceParent))
        {
            return;
        }

        batch.LastTraceParent = traceParent;
        if (PipelineTracing.TryParseTraceParent(traceParent, out var context))
        {
            batch.FileTraces.TryAdd(context.TraceId, context);
        }
    }

    private bool TryDecode(byte[] value, out RawRow raw, out string error)
    {
        try
        {
            raw = serializer.Deserialize(value, registry);
            error = "";
            return true;
        }
        catch (AvroContractException e)
        {
            raw = null!;
            error = e.Message;
            return false;
        }
    }

    /// <summary>The dead letter of a refused record: a <c>RejectedRowEvent</c> with Connect-style context headers and the record's lineage headers.</summary>
    private DeadLetter DeadLetterOf(ConsumedRecord record, RejectRecord reject)
    {
        var deadLetter = new RejectedRowEvent(entity, reject.Lineage, reject.Rule, reject.Field, reject.Message,
            reject.RawRow, record.Value ?? []);
        var headers = new List<RecordHeader>(10)
        {
            Text(DeadLetterHeaders.Rule, reject.Rule),
            Text(DeadLetterHeaders.Message, reject.Message),
            Text(DeadLetterHeaders.Topic, record.Topic),
            Text(DeadLetterHeaders.Partition, record.Partition.ToString(CultureInfo.InvariantCulture)),
            Text(DeadLetterHeaders.Offset, record.Offset.ToString(CultureInfo.InvariantCulture)),
        };
        if (reject.Field is not null)
        {
            headers.Add(Text(DeadLetterHeaders.Field, reject.Field));
        }

        headers.AddRange(record.Headers.Where(h => EventHeaders.Lineage.Contains(h.Name)));
        return new DeadLetter(record.Key, RejectedRowSerializer.Instance.Serialize(deadLetter, deadLetterFrame), headers);
    }

    private static RecordHeader Text(string name, string value) => new(name, Encoding.UTF8.GetBytes(value));
}
