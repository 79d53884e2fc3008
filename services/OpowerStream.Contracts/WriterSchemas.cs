using System.Globalization;
using Avro;
using Avro.Generic;
using Avro.IO;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;

namespace OpowerStream.Contracts;

/// <summary>
/// An event decoded by Apache.Avro with the very schema it was written with, for showing as it is on the wire;
/// <see cref="SchemaId"/> is the registry id of a Schema Registry framed event, null for single-object.
/// </summary>
public sealed record WrittenEvent(RecordSchema Schema, ulong Fingerprint, GenericRecord Body, int? SchemaId);

/// <summary>
/// Every published version of every event schema (rows, rejected rows, file events), by fingerprint, so any event
/// can be read with its writer schema without resolving it to today's (<c>peek</c> shows what was written).
/// </summary>
public static class WriterSchemas
{
    private static readonly Lazy<Dictionary<ulong, RecordSchema>> ByFingerprint = new(() =>
        Enum.GetValues<Entity>().Select(EventSchemas.FileName)
            .Append(EventSchemas.RejectedRowFileName)
            .Append(EventSchemas.FileEventFileName)
            .SelectMany(EventSchemas.History)
            .Select(json => (RecordSchema)Schema.Parse(json))
            .ToDictionary(schema => unchecked((ulong)SchemaNormalization.ParsingFingerprint64(schema))));

    /// <summary>
    /// Decodes a single-object encoded event, or a Schema Registry framed one by the schema <paramref name="registry"/> holds under its id;
    /// throws <see cref="AvroContractException"/> when it is not one of ours (or the registry cannot name its schema) or is malformed.
    /// </summary>
    public static WrittenEvent Decode(ReadOnlySpan<byte> value, IRegisteredSchemas? registry = null)
    {
        if (ConfluentFraming.TryReadSchemaId(value, out var schemaId))
        {
            var registered = RegisteredSchemaLookup.Require(registry, schemaId);
            return Decode(registered.Schema, registered.Fingerprint, value[ConfluentFraming.HeaderLength..], schemaId);
        }

        var fingerprint = SingleObjectEncoding.ReadFingerprint(value);
        if (!ByFingerprint.Value.TryGetValue(fingerprint, out var schema))
        {
            throw new AvroContractException(string.Create(CultureInfo.InvariantCulture,
                $"Unknown schema fingerprint 0x{fingerprint:x16}: no published version of an OpowerStream event has it."));
        }

        return Decode(schema, fingerprint, value[SingleObjectEncoding.HeaderLength..], schemaId: null);
    }

    private static WrittenEvent Decode(RecordSchema schema, ulong fingerprint, ReadOnlySpan<byte> avroBody, int? schemaId)
    {
        using var body = new MemoryStream(avroBody.ToArray(), writable: false);
        GenericRecord record;
        try
        {
            record = new GenericDatumReader<GenericRecord>(schema, schema).Read(null!, new BinaryDecoder(body));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Apache.Avro reports malformed input with assorted exception types; all mean the same here.
            throw new AvroContractException($"Malformed {schema.Fullname} event: {e.Message}", e);
        }

        return body.Position == body.Length
            ? new WrittenEvent(schema, fingerprint, record, schemaId)
            : throw new AvroContractException(string.Create(CultureInfo.InvariantCulture,
                $"Malformed {schema.Fullname} event: {body.Length - body.Position} bytes left after it."));
    }
}
