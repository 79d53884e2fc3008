using System.Buffers;
using System.Buffers.Binary;

namespace OpowerStream.Contracts.Avro;

/// <summary>
/// Confluent's Schema Registry wire format: magic byte <c>0</c>, the writer schema's registry id (4 bytes,
/// big-endian), then the Avro binary body. Kafka Connect, ksqlDB and Confluent's serializers read and write it.
/// </summary>
public static class ConfluentFraming
{
    public const int HeaderLength = 5;
    private const byte MagicByte = 0;

    public static void WriteHeader(IBufferWriter<byte> output, int schemaId)
    {
        ArgumentNullException.ThrowIfNull(output);
        var header = output.GetSpan(HeaderLength);
        header[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], schemaId);
        output.Advance(HeaderLength);
    }

    /// <summary>The schema id of a Confluent-framed event; false when <paramref name="framed"/> does not start with the magic byte and an id.</summary>
    public static bool TryReadSchemaId(ReadOnlySpan<byte> framed, out int schemaId)
    {
        if (framed.Length < HeaderLength || framed[0] != MagicByte)
        {
            schemaId = 0;
            return false;
        }

        schemaId = BinaryPrimitives.ReadInt32BigEndian(framed[1..]);
        return true;
    }
}
