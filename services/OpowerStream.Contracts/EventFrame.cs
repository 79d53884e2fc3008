using System.Buffers;
using System.Globalization;
using OpowerStream.Contracts.Avro;

namespace OpowerStream.Contracts;

/// <summary>
/// The bytes before an event's Avro body, the same for every event of one schema on one topic: the single-object
/// header (<c>C3 01</c> and the schema's fingerprint), or Confluent's Schema Registry header (<c>0</c> and the id
/// the registry gave the schema under the topic's subject). Only the framing differs; the body is the same.
/// </summary>
public sealed class EventFrame
{
    private readonly byte[] header;

    private EventFrame(byte[] header, int? schemaId)
    {
        this.header = header;
        SchemaId = schemaId;
    }

    /// <summary>The registry id for a Confluent frame; null for single-object.</summary>
    public int? SchemaId { get; }

    public static EventFrame SingleObject(ulong fingerprint)
    {
        var header = new ArrayBufferWriter<byte>(SingleObjectEncoding.HeaderLength);
        SingleObjectEncoding.WriteHeader(header, fingerprint);
        return new EventFrame(header.WrittenSpan.ToArray(), null);
    }

    public static EventFrame Registry(int schemaId) => new(ConfluentFraming.Header(schemaId), schemaId);

    public void Write(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(header);
    }

    public override string ToString() =>
        SchemaId is { } id ? string.Create(CultureInfo.InvariantCulture, $"schema registry id {id}") : "single-object";
}
