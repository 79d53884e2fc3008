using System.Buffers;
using OpowerStream.Contracts.Avro;

namespace OpowerStream.Contracts.Tests.Avro;

public class BinaryEncodingTests
{
    [Theory]
    [InlineData(0L, "00")]
    [InlineData(-1L, "01")]
    [InlineData(1L, "02")]
    [InlineData(-2L, "03")]
    [InlineData(2L, "04")]
    [InlineData(-64L, "7F")]
    [InlineData(64L, "8001")]
    [InlineData(long.MaxValue, "FEFFFFFFFFFFFFFFFF01")]
    [InlineData(long.MinValue, "FFFFFFFFFFFFFFFFFF01")]
    public void Long_uses_the_specifications_zig_zag_varint(long value, string expectedHex)
    {
        var bytes = Encode(writer => writer.WriteLong(value));

        Assert.Equal(expectedHex, Convert.ToHexString(bytes));
        var reader = new AvroReader(bytes);
        Assert.Equal(value, reader.ReadLong());
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void String_is_its_utf8_length_then_its_bytes()
    {
        var bytes = Encode(writer => writer.WriteString("foo"));

        Assert.Equal("06666F6F", Convert.ToHexString(bytes));
    }

    [Fact]
    public void Non_ascii_string_round_trips_with_its_byte_length()
    {
        var bytes = Encode(writer => writer.WriteString("Zürich ⚡"));

        var reader = new AvroReader(bytes);
        Assert.Equal("Zürich ⚡", reader.ReadString());
        Assert.Equal(11 * 2, bytes[0]); // zig-zag of 11 UTF-8 bytes
    }

    [Fact]
    public void Bytes_are_their_length_then_the_bytes()
    {
        var bytes = Encode(writer => writer.WriteBytes([1, 2, 3]));

        Assert.Equal("06010203", Convert.ToHexString(bytes));
        var reader = new AvroReader(bytes);
        Assert.Equal([1, 2, 3], reader.ReadBytes());
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void Union_is_its_branch_index_then_the_value()
    {
        var bytes = Encode(writer =>
        {
            writer.WriteUnionIndex(0);
            writer.WriteUnionIndex(1);
            writer.WriteString("a");
        });

        Assert.Equal("00020261", Convert.ToHexString(bytes));
        var reader = new AvroReader(bytes);
        Assert.Equal(0, reader.ReadUnionIndex(2));
        Assert.Equal(1, reader.ReadUnionIndex(2));
        Assert.Equal("a", reader.ReadString());
    }

    [Theory]
    [InlineData("80")] // varint without its last byte
    [InlineData("FFFFFFFFFFFFFFFFFFFF01")] // varint longer than 10 bytes
    public void Malformed_varints_fail_cleanly(string hex)
    {
        Assert.Throws<AvroContractException>(() => new AvroReader(Convert.FromHexString(hex)).ReadLong());
    }

    [Theory]
    [InlineData("0A6162")] // says 5 bytes, has 2
    [InlineData("01")] // negative length
    [InlineData("FEFFFFFFFFFFFFFFFF01")] // absurd length
    [InlineData("04C328")] // invalid UTF-8
    public void Malformed_strings_fail_cleanly(string hex)
    {
        Assert.Throws<AvroContractException>(() => new AvroReader(Convert.FromHexString(hex)).ReadString());
    }

    [Theory]
    [InlineData("04")] // branch 2 of 2
    [InlineData("01")] // branch -1
    public void Union_branches_outside_the_union_fail_cleanly(string hex)
    {
        Assert.Throws<AvroContractException>(() => new AvroReader(Convert.FromHexString(hex)).ReadUnionIndex(2));
    }

    [Fact]
    public void Ints_beyond_the_int_range_fail_cleanly()
    {
        Assert.Throws<AvroContractException>(() => new AvroReader(Convert.FromHexString("FEFFFFFF1F")).ReadInt());
    }

    private delegate void WriteAction(AvroWriter writer);

    private static byte[] Encode(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new AvroWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }
}
