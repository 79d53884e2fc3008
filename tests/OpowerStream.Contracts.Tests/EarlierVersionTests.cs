using System.Text.Json.Nodes;
using Avro;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;
using OpowerStream.Testing;

namespace OpowerStream.Contracts.Tests;

/// <summary>
/// Events written with an earlier published version of a schema: resolved by Apache.Avro to the current
/// schema and decoded to the same domain object, the fields the earlier version lacked taking their defaults.
/// The earlier versions here are made up (the current schema without one field that has a default).
/// </summary>
public class EarlierVersionTests
{
    [Theory]
    [MemberData(nameof(SampleRows.Entities), MemberType = typeof(SampleRows))]
    public void A_row_event_of_an_earlier_version_decodes_with_the_missing_column_null(Entity entity)
    {
        var fileName = EventSchemas.FileName(entity);
        var lastColumn = EntityLayout.For(entity).Columns[^1].Name;
        var earlier = Without(EventSchemas.Load(fileName), lastColumn);
        var serializer = new RawRowSerializer(entity, EventSchemas.Load(fileName), [earlier, EventSchemas.Load(fileName)]);
        RawRow[] rows = [SampleRows.WithValues(entity), SampleRows.WithDefect(entity)];

        foreach (var row in rows)
        {
            var decoded = serializer.Deserialize(ApacheAvroEvents.SingleObject(ApacheAvroEvents.Row(Parse(earlier), entity, row)));

            Assert.Equal(row.Lineage, decoded.Lineage);
            Assert.Equal([.. row.Values.SkipLast(1), null], decoded.Values);
            Assert.Equal(row.Defect, decoded.Defect);
        }
    }

    [Fact]
    public void A_dead_letter_event_of_an_earlier_version_decodes_with_the_missing_field_null()
    {
        var current = EventSchemas.Load(EventSchemas.RejectedRowFileName);
        var earlier = Without(current, "field");
        var serializer = new RejectedRowSerializer(current, [earlier, current]);
        var rejected = new RejectedRowEvent(Entity.Interval, SampleRows.Lineage, RuleCodes.InvalidDecimal, "usage_value", "not a decimal", "SP1\tx", [0xC3, 0x01, 7]);

        var decoded = serializer.Deserialize(ApacheAvroEvents.SingleObject(ApacheAvroEvents.Rejected(Parse(earlier), rejected)));

        Assert.Equal(rejected with { Field = null, OriginalEvent = decoded.OriginalEvent }, decoded);
        Assert.Equal(rejected.OriginalEvent, decoded.OriginalEvent);
    }

    [Fact]
    public void A_file_event_of_an_earlier_version_decodes_with_the_missing_field_null()
    {
        var current = EventSchemas.Load(EventSchemas.FileEventFileName);
        var earlier = Without(current, "detail");
        var serializer = new FileEventSerializer(current, [earlier, current]);
        var refused = new FileEvent(FileEventKind.FileRefused, "x.tsv", "rates", 20260101000000, 12, "ab", null, 3, "duplicate_file", "same as y.tsv",
            new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero).AddTicks(10));

        var decoded = serializer.Deserialize(ApacheAvroEvents.SingleObject(ApacheAvroEvents.File(Parse(earlier), refused)));

        Assert.Equal(refused with { Detail = null }, decoded);
    }

    [Fact]
    public void Events_of_an_earlier_version_are_still_the_entitys()
    {
        var current = EventSchemas.Load(EventSchemas.FileName(Entity.Rate));
        var earlier = Without(current, "account_id");
        var serializer = new RawRowSerializer(Entity.Rate, current, [earlier, current]);
        var earlierFingerprint = unchecked((ulong)SchemaNormalization.ParsingFingerprint64(Parse(earlier)));

        Assert.True(serializer.Reads(earlierFingerprint));
        Assert.True(serializer.Reads(serializer.Fingerprint));
        Assert.False(serializer.Reads(RawRowSerializer.For(Entity.Interval).Fingerprint));
    }

    [Fact]
    public void Every_truncation_or_corruption_of_an_earlier_version_event_fails_with_a_contract_exception_only()
    {
        var current = EventSchemas.Load(EventSchemas.FileName(Entity.Interval));
        var earlier = Without(current, "units");
        var serializer = new RawRowSerializer(Entity.Interval, current, [earlier, current]);
        var bytes = ApacheAvroEvents.SingleObject(ApacheAvroEvents.Row(Parse(earlier), Entity.Interval, SampleRows.WithDefect(Entity.Interval)));
        var random = new Random(20261130);

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<AvroContractException>(() => serializer.Deserialize(bytes.AsSpan(0, length)));
        }

        Assert.Throws<AvroContractException>(() => serializer.Deserialize([.. bytes, 0]));
        for (var attempt = 0; attempt < 2000; attempt++)
        {
            var corrupted = (byte[])bytes.Clone();
            var position = SingleObjectEncoding.HeaderLength + random.Next(corrupted.Length - SingleObjectEncoding.HeaderLength);
            corrupted[position] = (byte)random.Next(256);

            var error = Record.Exception(() => serializer.Deserialize(corrupted));

            Assert.True(error is null or AvroContractException, $"Byte {position} corrupted gave {error}");
        }
    }

    [Fact]
    public void A_schema_that_cannot_read_a_published_version_refuses_to_start()
    {
        var current = EventSchemas.Load(EventSchemas.FileEventFileName);
        var published = current.Replace("\"sha256\",\n      \"type\": \"string\"", "\"sha256\",\n      \"type\": \"long\"", StringComparison.Ordinal);
        Assert.NotEqual(current, published);

        var error = Assert.Throws<InvalidOperationException>(() => new FileEventSerializer(current, [published, current]));

        Assert.Contains("cannot read every published version", error.Message, StringComparison.Ordinal);
        Assert.Contains("v1: ", error.Message, StringComparison.Ordinal);
    }

    private static RecordSchema Parse(string schemaJson) => (RecordSchema)Schema.Parse(schemaJson);

    /// <summary>The schema without one of its fields: what an earlier version that lacked the field looked like.</summary>
    private static string Without(string schemaJson, string field)
    {
        var schema = JsonNode.Parse(schemaJson)!;
        var fields = schema["fields"]!.AsArray();
        Assert.True(fields.Remove(fields.Single(f => (string?)f!["name"] == field)));
        return schema.ToJsonString();
    }
}
