using System.Buffers;
using Avro;
using OpowerStream.Contracts.Avro;

namespace OpowerStream.Contracts;

/// <summary>
/// What every event serializer shares: its .avsc schema as Apache.Avro parses it, checked when loaded
/// against the fields the code writes and reads (a schema edit the code does not follow fails at start,
/// not on the wire), the schema's fingerprint, and the single-object framing around each event's body.
/// </summary>
public abstract class SingleObjectSerializer
{
    private readonly string eventDescription;

    private protected SingleObjectSerializer(
        string schemaJson, string recordName, IReadOnlyList<(string Name, string Type)> fields, string schemaDescription, string eventDescription)
    {
        Schema = SchemaShape.RequireRecord(schemaJson, recordName, fields, schemaDescription);
        Fingerprint = unchecked((ulong)SchemaNormalization.ParsingFingerprint64(Schema));
        SchemaJson = schemaJson;
        this.eventDescription = eventDescription;
    }

    public string SchemaJson { get; }

    /// <summary>The schema the events are written with, for Apache.Avro's datum readers and writers.</summary>
    public RecordSchema Schema { get; }

    /// <summary>CRC-64-AVRO of the schema's canonical form, as carried in each event's header.</summary>
    public ulong Fingerprint { get; }

    /// <summary>Writes the single-object header to <paramref name="output"/> and returns a writer for the body.</summary>
    private protected AvroWriter StartEvent(IBufferWriter<byte> output)
    {
        SingleObjectEncoding.WriteHeader(output, Fingerprint);
        return new AvroWriter(output);
    }

    /// <summary>A reader over the body of <paramref name="singleObject"/>, once its header named this schema.</summary>
    private protected AvroReader OpenEvent(ReadOnlySpan<byte> singleObject) =>
        new(SingleObjectEncoding.GetBody(singleObject, Fingerprint, eventDescription));
}
