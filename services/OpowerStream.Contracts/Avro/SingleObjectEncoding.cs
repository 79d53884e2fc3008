using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace OpowerStream.Contracts.Avro;

/// <summary>
/// Avro single-object encoding: marker <c>C3 01</c>, the writer schema's CRC-64-AVRO fingerprint
/// (8 bytes, little-endian), then the binary body. The fingerprint lets a reader pick the schema.
/// </summary>
public static class SingleObjectEncoding
{
    public const int HeaderLength = 10;
    private const byte Marker0 = 0xC3;
    private const byte Marker1 = 0x01;

    public static void WriteHeader(IBufferWriter<byte> output, ulong fingerprint)
    {
        ArgumentNullException.ThrowIfNull(output);
        var header = output.GetSpan(HeaderLength);
        header[0] = Marker0;
        header[1] = Marker1;
        BinaryPrimitives.WriteUInt64LittleEndian(header[2..], fingerprint);
        output.Advance(HeaderLength);
    }

    public static bool TryReadFingerprint(ReadOnlySpan<byte> singleObject, out ulong fingerprint)
    {
        if (singleObject.Length < HeaderLength || singleObject[0] != Marker0 || singleObject[1] != Marker1)
        {
            fingerprint = 0;
            return false;
        }

        fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(singleObject[2..]);
        return true;
    }

    /// <summary>The fingerprint in the header of <paramref name="singleObject"/>; throws if it has no single-object header.</summary>
    public static ulong ReadFingerprint(ReadOnlySpan<byte> singleObject) =>
        TryReadFingerprint(singleObject, out var fingerprint)
            ? fingerprint
            : throw new AvroContractException(string.Create(
                CultureInfo.InvariantCulture,
                $"Not an Avro single-object encoded event (nor a Schema Registry framed one): expected the marker C3 01 and a fingerprint (or 00 and a schema id), got {Convert.ToHexString(singleObject[..Math.Min(singleObject.Length, HeaderLength)])} ({singleObject.Length} bytes)."));
}
