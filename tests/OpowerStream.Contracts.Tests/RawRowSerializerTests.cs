using System.Text;
using Avro;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;
using OpowerStream.Domain.Files;

namespace OpowerStream.Contracts.Tests;

public class RawRowSerializerTests
{
    [Theory]
    [MemberData(nameof(SampleRows.Entities), MemberType = typeof(SampleRows))]
    public void Rows_with_nulls_empty_and_non_ascii_values_round_trip(Entity entity)
    {
        var serializer = RawRowSerializer.For(entity);
        var row = SampleRows.WithValues(entity);

        var decoded = serializer.Deserialize(serializer.Serialize(row));

        Assert.Equal(row.Lineage, decoded.Lineage);
        Assert.Equal(row.Values, decoded.Values);
        Assert.Null(decoded.Defect);
    }

    [Theory]
    [MemberData(nameof(SampleRows.Entities), MemberType = typeof(SampleRows))]
    public void Rows_with_a_defect_round_trip(Entity entity)
    {
        var serializer = RawRowSerializer.For(entity);
        var row = SampleRows.WithDefect(entity);

        var decoded = serializer.Deserialize(serializer.Serialize(row));

        Assert.Equal(row.Defect, decoded.Defect);
        Assert.All(decoded.Values, Assert.Null);
    }

    [Theory]
    [InlineData("opwr_gec_v2-0-9_billing_account_20261120060000.csv",
        "account_id,service_agreement_id,sa_rate_code,effective_datetime\n,\"SA \"\"1\"\"\",\"R,1\",2018-01-01\nA2,SA2,ÉTÉ,\nA3,SA3\n\"open,x,y\n")]
    [InlineData("opwr_gec_res_v2-0-5_interval15_20261120060000.tsv",
        "service_point_id\tusage_value\tdate\ttime\tunits\nSP1\t1.5\t20261119\t0015\tKWH\n")]
    public void A_row_view_encodes_to_the_same_event_as_its_decoded_row(string fileName, string text)
    {
        Assert.True(InboundFileNames.TryParse(fileName, out var name));
        var serializer = RawRowSerializer.For(name.Entity);
        // Good rows, then wrong column counts, an unterminated quote and bytes that are not UTF-8 (defects).
        byte[] content = [.. Encoding.UTF8.GetBytes(text), 0xC3, 0x28, .. "\n"u8];
        using var decodedReader = InboundFileReader.Open(new MemoryStream(content), name);
        using var viewReader = InboundFileReader.Open(new MemoryStream(content), name);

        var fromRows = decodedReader.ReadRows().Select(row => serializer.Serialize(row)).ToList();
        var fromViews = viewReader.ReadRowViews().Select(row => serializer.Serialize(row)).ToList();

        Assert.True(fromRows.Count >= 2);
        Assert.Equal(fromRows, fromViews);
    }

    [Fact]
    public void Events_of_alternating_files_decode_each_its_own_source_file()
    {
        // Decoding reuses the source file's string while it repeats; a change of file must never be missed.
        var serializer = RawRowSerializer.For(Entity.Interval);
        var template = SampleRows.WithValues(Entity.Interval);
        string[] files = ["opwr_a_v1-0_interval15_20250101000000.gz", "opwr_b_v1-0_interval15_20250101000000.gz", "opwr_a_v1-0_interval15_20250101000000.gz", "opwr_a_v1-0_interval15_20250101000001.gz"];

        var decoded = files
            .Select((file, line) => serializer.Deserialize(serializer.Serialize(template with { Lineage = new Lineage(file, 1, line + 2) })))
            .ToList();

        Assert.Equal(files, decoded.Select(row => row.Lineage.SourceFile));
        Assert.Equal([2L, 3L, 4L, 5L], decoded.Select(row => row.Lineage.Line));
    }

    [Fact]
    public void A_one_megabyte_value_round_trips()
    {
        var serializer = RawRowSerializer.For(Entity.Rate);
        var huge = new string('é', 512 * 1024);
        var row = new RawRow(SampleRows.Lineage, [huge, "R1", "2026-01-01", null, ""]);

        var decoded = serializer.Deserialize(serializer.Serialize(row));

        Assert.Equal(huge, decoded.Values[0]);
    }

    [Theory]
    [MemberData(nameof(SampleRows.Entities), MemberType = typeof(SampleRows))]
    public void Events_carry_the_single_object_header_of_their_schema(Entity entity)
    {
        var serializer = RawRowSerializer.For(entity);

        var bytes = serializer.Serialize(SampleRows.WithValues(entity));

        Assert.Equal(new byte[] { 0xC3, 0x01 }, bytes[..2]);
        Assert.Equal(serializer.Fingerprint, BitConverter.ToUInt64(bytes, 2));
        Assert.Equal(unchecked((ulong)SchemaNormalization.ParsingFingerprint64(Schema.Parse(serializer.SchemaJson))), serializer.Fingerprint);
        Assert.True(EventSchemas.TryGetEntity(bytes, out var found));
        Assert.Equal(entity, found);
    }

    [Fact]
    public void Each_entity_has_its_own_fingerprint()
    {
        var fingerprints = Enum.GetValues<Entity>().Select(e => RawRowSerializer.For(e).Fingerprint).ToHashSet();

        Assert.Equal(3, fingerprints.Count);
        Assert.DoesNotContain(RejectedRowSerializer.Instance.Fingerprint, fingerprints);
    }

    [Fact]
    public void Every_truncation_of_an_event_fails_with_a_contract_exception()
    {
        var serializer = RawRowSerializer.For(Entity.Interval);

        DamagedEvents.AssertEveryTruncationFails(serializer.Serialize(SampleRows.WithDefect(Entity.Interval)), bytes => serializer.Deserialize(bytes));
    }

    [Fact]
    public void Corrupted_events_decode_or_fail_with_a_contract_exception_only()
    {
        var serializer = RawRowSerializer.For(Entity.ServiceQuantity);

        DamagedEvents.AssertCorruptionsDecodeOrFailCleanly(
            serializer.Serialize(SampleRows.WithValues(Entity.ServiceQuantity)), bytes => serializer.Deserialize(bytes), seed: 20260131);
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        var serializer = RawRowSerializer.For(Entity.Rate);
        byte[] bytes = [.. serializer.Serialize(SampleRows.WithValues(Entity.Rate)), 0];

        var error = Assert.Throws<AvroContractException>(() => serializer.Deserialize(bytes));
        Assert.Contains("1 bytes left", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_magic_is_rejected()
    {
        var serializer = RawRowSerializer.For(Entity.Rate);
        var bytes = serializer.Serialize(SampleRows.WithValues(Entity.Rate));
        // Neither C3 (single-object) nor 00 (Schema Registry framing).
        bytes[0] = 0x01;

        var error = Assert.Throws<AvroContractException>(() => serializer.Deserialize(bytes));
        Assert.Contains("C3 01", error.Message, StringComparison.Ordinal);
        Assert.False(EventSchemas.TryGetEntity(bytes, out _));
    }

    [Fact]
    public void Another_entitys_event_is_an_unknown_fingerprint_named_in_hex()
    {
        var intervalEvent = RawRowSerializer.For(Entity.Interval).Serialize(SampleRows.WithValues(Entity.Interval));
        var rates = RawRowSerializer.For(Entity.Rate);

        var error = Assert.Throws<AvroContractException>(() => rates.Deserialize(intervalEvent));

        Assert.Contains($"0x{RawRowSerializer.For(Entity.Interval).Fingerprint:x16}", error.Message, StringComparison.Ordinal);
        Assert.Contains("rates", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_values_is_refused_on_write()
    {
        var row = new RawRow(SampleRows.Lineage, ["only one"]);

        Assert.Throws<ArgumentException>(() => RawRowSerializer.For(Entity.Rate).Serialize(row));
    }

    [Fact]
    public void A_schema_whose_columns_differ_from_the_layout_is_caught_at_construction()
    {
        var schema = EventSchemas.Load(EventSchemas.FileName(Entity.Rate))
            .Replace("\"sa_rate_code\"", "\"rate_code\"", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidOperationException>(() => new RawRowSerializer(Entity.Rate, schema, []));

        Assert.Contains("'rate_code'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'sa_rate_code'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_for_another_entity_is_caught_at_construction()
    {
        var intervalSchema = EventSchemas.Load(EventSchemas.FileName(Entity.Interval));

        var error = Assert.Throws<InvalidOperationException>(() => new RawRowSerializer(Entity.Rate, intervalSchema, []));

        Assert.Contains("opowerstream.events.RateRowEvent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_typed_other_than_nullable_string_is_caught_at_construction()
    {
        var schema = EventSchemas.Load(EventSchemas.FileName(Entity.Rate));
        var start = schema.IndexOf("\"account_id\"", StringComparison.Ordinal);
        var retyped = schema[..start] + schema[start..].Replace("\"null\"", "\"int\"", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidOperationException>(() => new RawRowSerializer(Entity.Rate, retyped, []));

        Assert.Contains("'account_id' of type [\"int\",\"string\"]", error.Message, StringComparison.Ordinal);
    }
}
