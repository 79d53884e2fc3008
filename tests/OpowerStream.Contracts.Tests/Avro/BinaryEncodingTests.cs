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
    public void Bytes_and_float_double_boolean_round_trip()
    {
        var bytes = Encode(writer =>
        {
            writer.WriteBytes([1, 2, 3]);
            writer.WriteFloat(1.5f);
            writer.WriteDouble(-2.25);
            writer.WriteBoolean(true);
        });

        Assert.Equal("06010203" + "0000C03F" + "00000000000002C0" + "01", Convert.ToHexString(bytes));
        var reader = new AvroReader(bytes);
        Assert.Equal([1, 2, 3], reader.ReadBytes());
        Assert.Equal(1.5f, reader.ReadFloat());
        Assert.Equal(-2.25, reader.ReadDouble());
        Assert.True(reader.ReadBoolean());
    }

    [Fact]
    public void Union_is_its_branch_index_then_the_value()
    {
        var schema = AvroSchema.Parse("""["null","string"]""");

        Assert.Equal("00", Convert.ToHexString(GenericDatum.Encode(schema, null)));
        Assert.Equal("020261", Convert.ToHexString(GenericDatum.Encode(schema, "a")));
        Assert.Equal("a", GenericDatum.Decode(schema, Convert.FromHexString("020261")));
    }

    [Fact]
    public void Array_is_written_as_one_block_and_an_end_marker()
    {
        var schema = AvroSchema.Parse("""{"type":"array","items":"long"}""");

        // The specification's example: [3, 27] -> 04 06 36 00.
        Assert.Equal("04063600", Convert.ToHexString(GenericDatum.Encode(schema, new List<object?> { 3L, 27L })));
    }

    [Fact]
    public void Arrays_read_several_blocks_including_negative_counts_with_byte_sizes()
    {
        var schema = AvroSchema.Parse("""{"type":"array","items":"long"}""");

        // Block of 2 items, then a block of -1 item with byte size 1, then end.
        var decoded = GenericDatum.Decode(schema, Convert.FromHexString("04063601020800"));

        Assert.Equal(new List<object?> { 3L, 27L, 4L }, decoded);
    }

    [Fact]
    public void Maps_round_trip_and_read_negative_block_counts()
    {
        var schema = AvroSchema.Parse("""{"type":"map","values":"string"}""");
        var map = new Dictionary<string, object?> { ["k"] = "v", ["ü"] = string.Empty };

        var decoded = (IReadOnlyDictionary<string, object?>)GenericDatum.Decode(schema, GenericDatum.Encode(schema, map))!;
        var negativeBlock = (IReadOnlyDictionary<string, object?>)GenericDatum.Decode(schema, Convert.FromHexString("01" + "08" + "026B0276" + "00"))!;

        Assert.Equal(map, decoded);
        Assert.Equal("v", negativeBlock["k"]);
    }

    [Fact]
    public void Records_enums_and_fixed_round_trip_through_the_generic_codec()
    {
        var schema = AvroSchema.Parse("""
            {"type":"record","name":"R","namespace":"t","fields":[
              {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
              {"name":"f","type":{"type":"fixed","name":"F","size":2}},
              {"name":"again","type":["null","E"]},
              {"name":"ts","type":{"type":"long","logicalType":"timestamp-micros"}},
              {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
              {"name":"i","type":"int"},{"name":"b","type":"boolean"},{"name":"d","type":"double"}]}
            """);
        var record = new Dictionary<string, object?>
        {
            ["e"] = "B", ["f"] = new byte[] { 9, 8 }, ["again"] = "A", ["ts"] = 1_700_000_000_000_000L,
            ["amount"] = new byte[] { 0x30, 0x39 }, ["i"] = -5, ["b"] = false, ["d"] = 0.1,
        };

        var decoded = GenericDatum.Decode(schema, GenericDatum.Encode(schema, record));

        Assert.Equal(record, decoded);
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
    [InlineData("""{"type":"array","items":"long"}""", "FEFFFFFFFFFFFFFF7F")] // count far beyond the input
    [InlineData("""{"type":"array","items":"long"}""", "0406")] // second item and end marker missing
    [InlineData("""["null","string"]""", "04")] // branch 2 of 2
    [InlineData("\"boolean\"", "02")] // neither 0 nor 1
    [InlineData("\"int\"", "FEFFFFFF1F")] // beyond int range
    [InlineData("\"double\"", "000000")]
    public void Truncated_or_malformed_datums_fail_cleanly(string schemaJson, string hex)
    {
        var schema = AvroSchema.Parse(schemaJson);

        Assert.Throws<AvroContractException>(() => GenericDatum.Decode(schema, Convert.FromHexString(hex)));
    }

    [Fact]
    public void Nesting_through_a_recursive_schema_is_bounded_instead_of_overflowing_the_stack()
    {
        var schema = AvroSchema.Parse("""{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}""");
        var withinLimit = Enumerable.Repeat((byte)0x02, 100).Append((byte)0x00).ToArray();
        var beyondLimit = Enumerable.Repeat((byte)0x02, 100_000).Append((byte)0x00).ToArray();

        Assert.NotNull(GenericDatum.Decode(schema, withinLimit));
        var error = Assert.Throws<AvroContractException>(() => GenericDatum.Decode(schema, beyondLimit));
        Assert.Contains("nested deeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_bytes_after_a_datum_are_rejected()
    {
        Assert.Throws<AvroContractException>(() => GenericDatum.Decode(AvroSchema.Parse("\"long\""), [0x02, 0x00]));
    }

    [Fact]
    public void A_value_that_does_not_fit_its_schema_is_rejected_on_write()
    {
        var schema = AvroSchema.Parse("""["null","long"]""");

        var error = Assert.Throws<AvroContractException>(() => GenericDatum.Encode(schema, "text"));
        Assert.Contains("does not fit", error.Message, StringComparison.Ordinal);
    }

    private delegate void WriteAction(AvroWriter writer);

    private static byte[] Encode(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new AvroWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }
}
