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

    /// <summary>The header of every event written with the schema registered as <paramref name="schemaId"/>.</summary>
    public static byte[] Header(int schemaId)
    {
        var header = new byte[HeaderLength];
        header[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), schemaId);
        return header;
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
