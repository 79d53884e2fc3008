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
/// release.
/// </summary>
public static class ApacheAvroEvents
{
    public static GenericRecord Row(RecordSchema schema, RawRow row)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(row);
        var record = new GenericRecord(schema);
        record.Add("lineage", Lineage(FieldRecord(schema, "lineage"), row.Lineage));
        var columns = schema.Fields.Skip(1).SkipLast(1).ToList();
        for (var i = 0; i < columns.Count; i++)
        {
            record.Add(columns[i].Name, row.Values[i]);
        }

        record.Add("row_defect", row.Defect is null ? null : Defect(FieldRecord(schema, "row_defect"), row.Defect));
        return record;
    }

    public static GenericRecord Rejected(RecordSchema schema, RejectedRowEvent rejected)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(rejected);
        var record = new GenericRecord(schema);
        record.Add("entity", rejected.Entity.Name());
        record.Add("lineage", Lineage(FieldRecord(schema, "lineage"), rejected.Lineage));
        record.Add("rule", rejected.Rule);
        record.Add("field", rejected.Field);
        record.Add("message", rejected.Message);
        record.Add("raw_row", rejected.RawRow);
        record.Add("original_event", rejected.OriginalEvent);
        return record;
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

    private static GenericRecord Lineage(RecordSchema schema, Lineage lineage)
    {
        var record = new GenericRecord(schema);
        record.Add("source_file", lineage.SourceFile);
        record.Add("file_timestamp", lineage.FileTimestamp);
        record.Add("line", lineage.Line);
        return record;
    }

    private static GenericRecord Defect(RecordSchema schema, RowDefect defect)
    {
        var record = new GenericRecord(schema);
        record.Add("rule", defect.Rule);
        record.Add("field", defect.Field);
        record.Add("message", defect.Message);
        record.Add("raw_line", defect.RawLine);
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
