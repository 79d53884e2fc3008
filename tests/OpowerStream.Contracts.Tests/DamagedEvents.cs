using OpowerStream.Contracts.Avro;

namespace OpowerStream.Contracts.Tests;

/// <summary>Damaged copies of an event, for proving a decoder fails on them only with <see cref="AvroContractException"/>.</summary>
internal static class DamagedEvents
{
    /// <summary>Every prefix of <paramref name="singleObject"/> (all shorter than the event) must fail to decode.</summary>
    public static void AssertEveryTruncationFails(byte[] singleObject, Action<byte[]> decode)
    {
        for (var length = 0; length < singleObject.Length; length++)
        {
            Assert.Throws<AvroContractException>(() => decode(singleObject[..length]));
        }
    }

    /// <summary>With one random body byte replaced, <paramref name="singleObject"/> decodes or fails with a contract exception, never otherwise.</summary>
    public static void AssertCorruptionsDecodeOrFailCleanly(byte[] singleObject, Action<byte[]> decode, int seed)
    {
        var random = new Random(seed);
        for (var attempt = 0; attempt < 2000; attempt++)
        {
            var corrupted = (byte[])singleObject.Clone();
            var position = SingleObjectEncoding.HeaderLength + random.Next(corrupted.Length - SingleObjectEncoding.HeaderLength);
            corrupted[position] = (byte)random.Next(256);

            var error = Record.Exception(() => decode(corrupted));

            Assert.True(error is null or AvroContractException, $"Byte {position} corrupted gave {error}");
        }
    }
}
