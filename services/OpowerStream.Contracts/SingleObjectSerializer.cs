using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using Avro;
using Avro.Generic;
using Avro.IO;
using OpowerStream.Contracts.Avro;

namespace OpowerStream.Contracts;

/// <summary>
/// What every event serializer shares: its .avsc schema as Apache.Avro parses it, checked when loaded
/// against the fields the code writes and reads (a schema edit the code does not follow fails at start,
/// not on the wire), the schema's fingerprint, the framing around each event's body (single-object by
/// default, or Confluent's Schema Registry framing: <see cref="EventFrame"/>), and the reading of every
/// published version in either framing. An event of the current schema goes through the hand-written
/// reader (the hot path); one written with an earlier version, or with another schema a registry holds,
/// is resolved to the current schema by Apache.Avro (Avro's resolution rules: added fields take their
/// defaults) and mapped to the same <typeparamref name="TEvent"/>; any other fingerprint is not ours.
/// </summary>
public abstract class SingleObjectSerializer<TEvent>
{
    private readonly string eventDescription;
    private readonly Dictionary<ulong, GenericDatumReader<GenericRecord>> earlierVersions;

    // Writer schemas a registry named that are none of our published versions (another producer's compatible
    // schema), by fingerprint: resolved once each, like the earlier versions.
    private readonly ConcurrentDictionary<ulong, GenericDatumReader<GenericRecord>> registeredVersions = new();

    private protected SingleObjectSerializer(
        string schemaJson,
        IReadOnlyList<string> publishedSchemaJsons,
        string recordName,
        IReadOnlyList<(string Name, string Type)> fields,
        string schemaDescription,
        string eventDescription)
    {
        ArgumentNullException.ThrowIfNull(publishedSchemaJsons);
        CurrentSchema = SchemaShape.RequireRecord(schemaJson, recordName, fields, schemaDescription);
        Fingerprint = FingerprintOf(CurrentSchema);
        SingleObjectFrame = EventFrame.SingleObject(Fingerprint);
        SchemaJson = schemaJson;
        this.eventDescription = eventDescription;

        var published = publishedSchemaJsons.Select(Schema.Parse).ToList();
        var unreadable = SchemaCompatibility.UnreadableVersions(CurrentSchema, published);
        if (unreadable.Count > 0)
        {
            throw new InvalidOperationException(
                $"{schemaDescription} cannot read every published version of itself, so their events would be lost: {string.Join("; ", unreadable)}.");
        }

        // Shared between threads: Apache.Avro resolves the two schemas once, when the reader is built.
        earlierVersions = published
            .Where(version => FingerprintOf(version) != Fingerprint)
            .ToDictionary(FingerprintOf, version => new GenericDatumReader<GenericRecord>(version, CurrentSchema));
    }

    public string SchemaJson { get; }

    /// <summary>The current schema, that events are written with, for Apache.Avro's datum readers and writers.</summary>
    public RecordSchema CurrentSchema { get; }

    /// <summary>CRC-64-AVRO of the schema's canonical form, as carried in each event's header.</summary>
    public ulong Fingerprint { get; }

    /// <summary>The single-object header of the current schema: what events carry when no Schema Registry frames them.</summary>
    public EventFrame SingleObjectFrame { get; }

    /// <summary>Whether an event with this fingerprint is one this serializer reads: the current schema or an earlier version.</summary>
    public bool Reads(ulong fingerprint) => fingerprint == Fingerprint || earlierVersions.ContainsKey(fingerprint);

    /// <summary>
    /// Decodes a single-object event, or a Confluent-framed one whose writer schema <paramref name="registry"/> finds by
    /// its id; throws <see cref="AvroContractException"/> for anything else (no registry for a framed event, an id the
    /// registry does not know, a schema that does not resolve to the current one, a malformed body).
    /// </summary>
    public TEvent Deserialize(ReadOnlySpan<byte> value, IRegisteredSchemas? registry = null)
    {
        if (ConfluentFraming.TryReadSchemaId(value, out var schemaId))
        {
            var registered = RegisteredSchemaLookup.Require(registry, schemaId);
            return Decode(registered.Fingerprint, value[ConfluentFraming.HeaderLength..], registered);
        }

        return Decode(SingleObjectEncoding.ReadFingerprint(value), value[SingleObjectEncoding.HeaderLength..], registered: null);
    }

    private TEvent Decode(ulong writerFingerprint, ReadOnlySpan<byte> body, RegisteredWriterSchema? registered)
    {
        if (writerFingerprint == Fingerprint)
        {
            var reader = new AvroReader(body);
            var decoded = Read(ref reader);
            return reader.IsAtEnd ? decoded : throw BytesLeft(reader.Remaining);
        }

        if (earlierVersions.TryGetValue(writerFingerprint, out var resolver))
        {
            return FromRecord(Resolve(resolver, body));
        }

        return registered is not null
            ? FromRecord(Resolve(registeredVersions.GetOrAdd(writerFingerprint, _ => ResolverOf(registered)), body))
            : throw new AvroContractException(string.Create(
                CultureInfo.InvariantCulture,
                $"Unknown schema fingerprint 0x{writerFingerprint:x16}: expected 0x{Fingerprint:x16} ({eventDescription}) or an earlier version of it{string.Concat(earlierVersions.Keys.Select(known => $", 0x{known:x16}"))}."));
    }

    /// <summary>Reads the body of an event of the current schema (the hand-written hot path).</summary>
    private protected abstract TEvent Read(ref AvroReader reader);

    /// <summary>The event from a record Apache.Avro resolved to the current schema (an event of an earlier version).</summary>
    private protected abstract TEvent FromRecord(GenericRecord record);

    /// <summary>Writes <paramref name="frame"/> (single-object when null) to <paramref name="output"/> and returns a writer for the body.</summary>
    private protected AvroWriter StartEvent(IBufferWriter<byte> output, EventFrame? frame)
    {
        (frame ?? SingleObjectFrame).Write(output);
        return new AvroWriter(output);
    }

    private protected AvroContractException Malformed(string problem) => new($"Malformed {eventDescription}: {problem}.");

    private static ulong FingerprintOf(Schema schema) => unchecked((ulong)SchemaNormalization.ParsingFingerprint64(schema));

    private GenericDatumReader<GenericRecord> ResolverOf(RegisteredWriterSchema registered)
    {
        try
        {
            return new GenericDatumReader<GenericRecord>(registered.Schema, CurrentSchema);
        }
        catch (AvroException e)
        {
            throw new AvroContractException(string.Create(CultureInfo.InvariantCulture,
                $"Schema id {registered.Id} ({registered.Schema.Fullname}) in the schema registry cannot be read as {eventDescription}: {e.Message}"), e);
        }
    }

    private GenericRecord Resolve(GenericDatumReader<GenericRecord> resolver, ReadOnlySpan<byte> body)
    {
        using var stream = new MemoryStream(body.ToArray(), writable: false);
        GenericRecord record;
        try
        {
            record = resolver.Read(null!, new BinaryDecoder(stream));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Apache.Avro reports malformed input with assorted types (AvroException, end of stream,
            // an index out of range for a bad union branch): all mean the event is poison.
            throw new AvroContractException($"Malformed {eventDescription} of schema 0x{FingerprintOf(resolver.WriterSchema):x16}: {e.Message}", e);
        }

        return stream.Position == stream.Length ? record : throw BytesLeft(stream.Length - stream.Position);
    }

    private AvroContractException BytesLeft(long count) =>
        Malformed(string.Create(CultureInfo.InvariantCulture, $"{count} bytes left after the event"));
}
