using OpowerStream.Contracts.Avro;

namespace OpowerStream.Contracts.Tests.Avro;

/// <summary>Vectors from Apache Avro's share/test/data/schema-tests.txt (fingerprints as signed longs).</summary>
public class CanonicalFormTests
{
    [Theory]
    [InlineData("\"null\"", "\"null\"", 7195948357588979594L)]
    [InlineData("\"boolean\"", "\"boolean\"", -6970731678124411036L)]
    [InlineData("{\"type\":\"int\"}", "\"int\"", 8247732601305521295L)]
    [InlineData("\"long\"", "\"long\"", -3434872931120570953L)]
    [InlineData("\"float\"", "\"float\"", 5583340709985441680L)]
    [InlineData("\"double\"", "\"double\"", -8181574048448539266L)]
    [InlineData("\"bytes\"", "\"bytes\"", 5746618253357095269L)]
    [InlineData("{\"type\":\"string\"}", "\"string\"", -8142146995180207161L)]
    [InlineData("[  ]", "[]", -1241056759729112623L)]
    [InlineData("[ \"int\" , {\"type\":\"boolean\"} ]", "[\"int\",\"boolean\"]", 5392556393470105090L)]
    [InlineData("{\"fields\":[], \"type\":\"record\", \"name\":\"foo\", \"namespace\":\"x.y\"}", "{\"name\":\"x.y.foo\",\"type\":\"record\",\"fields\":[]}", 5916914534497305771L)]
    [InlineData("{\"fields\":[], \"type\":\"record\", \"name\":\"a.b.foo\", \"namespace\":\"x.y\"}", "{\"name\":\"a.b.foo\",\"type\":\"record\",\"fields\":[]}", -4616218487480524110L)]
    [InlineData("{\"fields\":[], \"type\":\"record\", \"name\":\"foo\", \"doc\":\"foo\", \"aliases\":[\"foo\",\"bar\"]}", "{\"name\":\"foo\",\"type\":\"record\",\"fields\":[]}", -4824392279771201922L)]
    [InlineData(
        "{ \"fields\":[{\"type\":\"boolean\", \"aliases\":[], \"name\":\"f1\", \"default\":\"true\"}, {\"order\":\"descending\",\"name\":\"f2\",\"doc\":\"Hello\",\"type\":\"int\"}], \"type\":\"record\", \"name\":\"foo\"}",
        "{\"name\":\"foo\",\"type\":\"record\",\"fields\":[{\"name\":\"f1\",\"type\":\"boolean\"},{\"name\":\"f2\",\"type\":\"int\"}]}",
        -4860222112080293046L)]
    [InlineData("{\"namespace\":\"x.y.z\", \"type\":\"enum\", \"name\":\"foo\", \"doc\":\"foo bar\", \"symbols\":[\"A1\", \"A2\"]}", "{\"name\":\"x.y.z.foo\",\"type\":\"enum\",\"symbols\":[\"A1\",\"A2\"]}", -4448647247586288245L)]
    [InlineData("{\"namespace\":\"x.y.z\", \"type\":\"fixed\", \"name\":\"foo\", \"doc\":\"foo bar\", \"size\":32}", "{\"name\":\"x.y.z.foo\",\"type\":\"fixed\",\"size\":32}", -3064184465700546786L)]
    [InlineData("{ \"items\":{\"type\":\"null\"}, \"type\":\"array\"}", "{\"type\":\"array\",\"items\":\"null\"}", -589620603366471059L)]
    [InlineData("{ \"values\":\"string\", \"type\":\"map\"}", "{\"type\":\"map\",\"values\":\"string\"}", -8732877298790414990L)]
    [InlineData(
        "{\"name\":\"PigValue\",\"type\":\"record\", \"fields\":[{\"name\":\"value\", \"type\":[\"null\", \"int\", \"long\", \"PigValue\"]}]}",
        "{\"name\":\"PigValue\",\"type\":\"record\",\"fields\":[{\"name\":\"value\",\"type\":[\"null\",\"int\",\"long\",\"PigValue\"]}]}",
        -1759257747318642341L)]
    public void Canonical_form_and_fingerprint_match_the_reference_vectors(string schemaJson, string canonical, long fingerprint)
    {
        var schema = AvroSchema.Parse(schemaJson);

        Assert.Equal(canonical, schema.CanonicalForm);
        Assert.Equal(unchecked((ulong)fingerprint), schema.Fingerprint);
    }

    [Fact]
    public void Fingerprint_of_empty_input_is_the_specifications_constant()
    {
        Assert.Equal(0xc15d213aa4d7a795UL, Crc64Avro.Compute([]));
    }

    [Fact]
    public void Logical_types_are_annotations_stripped_from_the_canonical_form()
    {
        var schema = AvroSchema.Parse("""{"type":"bytes","logicalType":"decimal","precision":12,"scale":4}""");

        Assert.Equal(new LogicalTypeAnnotation("decimal", 12, 4), schema.LogicalType);
        Assert.Equal("\"bytes\"", schema.CanonicalForm);
    }

    [Fact]
    public void Names_are_resolved_against_the_enclosing_namespace()
    {
        var schema = AvroSchema.Parse("""
            {"type":"record","name":"Outer","namespace":"a.b","fields":[
              {"name":"inner","type":{"type":"fixed","name":"Id","size":4}},
              {"name":"again","type":"Id"},
              {"name":"other","type":{"type":"enum","name":"c.Kind","symbols":["X"]}},
              {"name":"kinds","type":{"type":"array","items":"c.Kind"}}]}
            """);

        Assert.Equal(
            "{\"name\":\"a.b.Outer\",\"type\":\"record\",\"fields\":[{\"name\":\"inner\",\"type\":{\"name\":\"a.b.Id\",\"type\":\"fixed\",\"size\":4}},"
            + "{\"name\":\"again\",\"type\":\"a.b.Id\"},{\"name\":\"other\",\"type\":{\"name\":\"c.Kind\",\"type\":\"enum\",\"symbols\":[\"X\"]}},"
            + "{\"name\":\"kinds\",\"type\":{\"type\":\"array\",\"items\":\"c.Kind\"}}]}",
            schema.CanonicalForm);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("\"Unknown\"")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}""")]
    [InlineData("""["int","int"]""")]
    [InlineData("""[["int"]]""")]
    [InlineData("""{"type":"fixed","name":"F","size":-1}""")]
    [InlineData("""{"type":"enum","name":"E","symbols":["1x"]}""")]
    [InlineData("""{"type":"record","name":"bad-name","fields":[]}""")]
    public void Invalid_schemas_are_rejected_with_a_contract_exception(string schemaJson)
    {
        var error = Assert.Throws<AvroContractException>(() => AvroSchema.Parse(schemaJson));
        Assert.StartsWith("Invalid Avro schema", error.Message, StringComparison.Ordinal);
    }
}
