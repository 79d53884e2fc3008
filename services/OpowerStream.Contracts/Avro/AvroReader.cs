using System.Globalization;
using System.Text;

namespace OpowerStream.Contracts.Avro;

/// <summary>
/// Reads Avro binary encoding from a span. Every length and count is checked against the input
/// that remains, so truncated or malformed data fails with <see cref="AvroContractException"/>
/// rather than an out-of-range read, a huge allocation or an endless loop.
/// </summary>
public ref struct AvroReader
{
    private const int MaxVarLongLength = 10;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> input;

    public AvroReader(ReadOnlySpan<byte> input)
    {
        this.input = input;
    }

    public int Position { get; private set; }

    public readonly int Remaining => input.Length - Position;

    public readonly bool IsAtEnd => Position == input.Length;

    public int ReadInt()
    {
        var value = ReadLong();
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Malformed($"int value {value} is out of range");
    }

    public long ReadLong()
    {
        ulong zigZag = 0;
        for (var i = 0; i < MaxVarLongLength; i++)
        {
            if (Position >= input.Length)
            {
                throw Truncated("varint");
            }

            var b = input[Position++];
            if (i == MaxVarLongLength - 1 && b > 1)
            {
                throw Malformed("varint does not fit in 64 bits");
            }

            zigZag |= (ulong)(b & 0x7f) << (7 * i);
            if (b < 0x80)
            {
                return (long)(zigZag >> 1) ^ -(long)(zigZag & 1);
            }
        }

        throw Malformed("varint longer than 10 bytes");
    }

    /// <summary>The bytes of a length-prefixed value, without copying them.</summary>
    public ReadOnlySpan<byte> ReadBytesSpan() => ReadRaw(ReadLength("bytes"), "bytes");

    public byte[] ReadBytes() => ReadBytesSpan().ToArray();

    /// <summary>
    /// A string, taken from <paramref name="repeated"/> when its bytes are those of the last one read
    /// through it (a value every event repeats, like the source file), so that it is decoded once.
    /// </summary>
    public string ReadString(RepeatedString repeated)
    {
        ArgumentNullException.ThrowIfNull(repeated);
        var utf8 = ReadRaw(ReadLength("string"), "string");
        if (repeated.Find(utf8) is { } text)
        {
            return text;
        }

        text = Decode(utf8);
        repeated.Remember(utf8, text);
        return text;
    }

    public string ReadString() => Decode(ReadRaw(ReadLength("string"), "string"));

    private string Decode(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new AvroContractException($"Malformed Avro data at byte {Position}: string is not valid UTF-8.", e);
        }
    }

    public int ReadUnionIndex(int branchCount)
    {
        var index = ReadLong();
        return index >= 0 && index < branchCount
            ? (int)index
            : throw Malformed($"union branch {index} does not exist (the union has {branchCount})");
    }

    private int ReadLength(string what)
    {
        var length = ReadLong();
        if (length < 0)
        {
            throw Malformed($"negative {what} length {length}");
        }

        return length <= Remaining ? (int)length : throw Truncated($"{what} of {length} bytes");
    }

    private ReadOnlySpan<byte> ReadRaw(int length, string what)
    {
        if (length > Remaining)
        {
            throw Truncated(what);
        }

        var span = input.Slice(Position, length);
        Position += length;
        return span;
    }

    private readonly AvroContractException Truncated(string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Truncated Avro data: {what} runs past the end of the input ({input.Length} bytes) at byte {Position}."));

    private readonly AvroContractException Malformed(string reason) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Malformed Avro data at byte {Position}: {reason}."));
}
