using System.Text;

namespace OpowerStream.Contracts.Avro;

/// <summary>
/// CRC-64-AVRO, the Rabin fingerprint the Avro specification defines for schema fingerprints.
/// </summary>
public static class Crc64Avro
{
    /// <summary>The fingerprint of empty input, and the polynomial the table is built from.</summary>
    public const ulong Empty = 0xc15d213aa4d7a795;

    private static readonly ulong[] Table = BuildTable();

    public static ulong Compute(string text) => Compute(Encoding.UTF8.GetBytes(text));

    public static ulong Compute(ReadOnlySpan<byte> data)
    {
        var fingerprint = Empty;
        foreach (var b in data)
        {
            fingerprint = (fingerprint >> 8) ^ Table[(int)(fingerprint ^ b) & 0xff];
        }

        return fingerprint;
    }

    private static ulong[] BuildTable()
    {
        var table = new ulong[256];
        for (var i = 0; i < table.Length; i++)
        {
            var fingerprint = (ulong)i;
            for (var bit = 0; bit < 8; bit++)
            {
                fingerprint = (fingerprint >> 1) ^ (Empty & (0UL - (fingerprint & 1)));
            }

            table[i] = fingerprint;
        }

        return table;
    }
}
