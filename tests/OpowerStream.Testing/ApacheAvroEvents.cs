using System.Buffers.Binary;
using Avro;
using Avro.Generic;
using Avro.IO;
using OpowerStream.Contracts;
using OpowerStream.Domain;

namespace OpowerStream.Testing;

/// <summary>
/// Events as Apache.Avro writes them, with any version of a schema: the independent side that our
/// hand-written encoder and decoder are compared with, and the way tests publish events of an earlier
/// release (a field the schema lacks, e.g. content_generation in v1, is left out as that release did).
/// </summary>
public static class ApacheAvroEvents
{
    /// <summary>A row event of <paramref name="entity"/>; only the columns <paramref name="schema"/> has (likewise below).</summary>
    public static GenericRecord Row(RecordSchema schema, Entity entity, RawRow row)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(row);
        var record = new GenericRecord(schema);
        record.Add("lineage", Lineage(FieldRecord(schema, "lineage"), row.Lineage));
        var columns = EntityLayout.For(entity).Columns;
        for (var i = 0; i < columns.Count; i++)
        {
            if (schema.Contains(columns[i].Name))
            {
                record.Add(columns[i].Name, row.Values[i]);
            }
        }

        record.Add("row_defect", row.Defect is null ? null : Defect(FieldRecord(schema, "row_defect"), row.Defect));
        return record;
    }

    public static GenericRecord Rejected(RecordSchema schema, RejectedRowEvent rejected)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(rejected);
        return Record(
            schema,
            ("entity", rejected.Entity.Name()),
            ("lineage", Lineage(FieldRecord(schema, "lineage"), rejected.Lineage)),
            ("rule", rejected.Rule),
            ("field", rejected.Field),
            ("message", rejected.Message),
            ("raw_row", rejected.RawRow),
            ("original_event", rejected.OriginalEvent));
    }

    public static GenericRecord File(RecordSchema schema, FileEvent fileEvent)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(fileEvent);
        var kinds = (EnumSchema)schema["kind"].Schema;
        return Record(
            schema,
            ("kind", new GenericEnum(kinds, kinds[(int)fileEvent.Kind])),
            ("file_name", fileEvent.FileName),
            ("entity", fileEvent.Entity),
            ("file_timestamp", fileEvent.FileTimestamp),
            ("size_bytes", fileEvent.SizeBytes),
            ("sha256", fileEvent.Sha256),
            ("rows_read", fileEvent.RowsRead),
            ("rows_published", fileEvent.RowsPublished),
            ("reason", fileEvent.Reason),
            ("detail", fileEvent.Detail),
            ("occurred_at", (fileEvent.OccurredAt - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond));
    }

    /// <summary>The binary body Apache.Avro's GenericDatumWriter writes for <paramref name="record"/>.</summary>
    public static byte[] Body(GenericRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var stream = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(record.Schema).Write(record, new BinaryEncoder(stream));
        return stream.ToArray();
    }

    /// <summary>The single-object event of <paramref name="record"/>: C3 01, its schema's fingerprint, the body.</summary>
    public static byte[] SingleObject(GenericRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var header = new byte[10];
        header[0] = 0xC3;
        header[1] = 0x01;
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(2), SchemaNormalization.ParsingFingerprint64(record.Schema));
        return [.. header, .. Body(record)];
    }

    /// <summary>What Apache.Avro's GenericDatumReader reads from <paramref name="body"/> with <paramref name="schema"/>.</summary>
    public static GenericRecord Read(RecordSchema schema, byte[] body)
    {
        using var stream = new MemoryStream(body);
        var record = new GenericDatumReader<GenericRecord>(schema, schema).Read(null!, new BinaryDecoder(stream));
        return stream.Position == body.Length
            ? record
            : throw new InvalidOperationException($"{body.Length - stream.Position} bytes left after the record.");
    }

    private static GenericRecord Lineage(RecordSchema schema, Lineage lineage) => Record(
        schema,
        ("source_file", lineage.SourceFile),
        ("file_timestamp", lineage.FileTimestamp),
        ("line", lineage.Line),
        ("content_generation", lineage.ContentGeneration));

    private static GenericRecord Defect(RecordSchema schema, RowDefect defect) => Record(
        schema, ("rule", defect.Rule), ("field", defect.Field), ("message", defect.Message), ("raw_line", defect.RawLine));

    /// <summary>A record of <paramref name="schema"/> with those of <paramref name="fields"/> it has.</summary>
    private static GenericRecord Record(RecordSchema schema, params (string Name, object? Value)[] fields)
    {
        var record = new GenericRecord(schema);
        foreach (var (name, value) in fields.Where(field => schema.Contains(field.Name)))
        {
            record.Add(name, value);
        }

        return record;
    }

    /// <summary>The record type of a field, or of the record branch of its nullable union.</summary>
    private static RecordSchema FieldRecord(RecordSchema schema, string field) => schema[field].Schema switch
    {
        RecordSchema record => record,
        UnionSchema union => union.Schemas.OfType<RecordSchema>().Single(),
        var other => throw new ArgumentException($"Field {field} of {schema.Fullname} is no record but {other}.", nameof(schema)),
    };
}
