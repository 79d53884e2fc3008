using System.Text.Json.Nodes;
using Avro;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;
using OpowerStream.Testing;

namespace OpowerStream.Contracts.Tests;

/// <summary>
/// Events written with an earlier published version of a schema: resolved by Apache.Avro to the current
/// schema and decoded to the same domain object, the fields the earlier version lacked taking their
/// defaults. First the versions really published (v1, before content_generation), then made-up ones
/// (the current schema without one field that has a default) for what v1 does not cover.
/// </summary>
public class EarlierVersionTests
{
    [Theory]
    [InlineData("rate-row.avsc", 0x494fa1fca90cec4eUL)]
    [InlineData("interval-row.avsc", 0xe50b24800aaf86f7UL)]
    [InlineData("service-quantity-row.avsc", 0xbef5cb669043f26cUL)]
    [InlineData("rejected-row.avsc", 0x1806a9f7e0e6472cUL)]
    [InlineData("file-event.avsc", 0x79c11ac40a93074fUL)]
    public void Version_1_keeps_the_fingerprint_its_events_were_published_with(string schemaFile, ulong fingerprint)
    {
        Assert.Equal(fingerprint, unchecked((ulong)SchemaNormalization.ParsingFingerprint64(Schema.Parse(EventSchemas.History(schemaFile)[0]))));
    }

    [Theory]
    [MemberData(nameof(SampleRows.Entities), MemberType = typeof(SampleRows))]
    public void Row_events_published_before_content_generation_decode_as_generation_1(Entity entity)
    {
        var version1 = Parse(EventSchemas.History(EventSchemas.FileName(entity))[0]);
        var serializer = RawRowSerializer.For(entity);
        RawRow[] rows = [SampleRows.WithValues(entity), SampleRows.WithDefect(entity)];

        foreach (var row in rows)
        {
            var published = ApacheAvroEvents.SingleObject(ApacheAvroEvents.Row(version1, entity, row));
            var decoded = serializer.Deserialize(published);

            Assert.NotEqual(serializer.Fingerprint, SingleObjectEncoding.ReadFingerprint(published));
            Assert.Equal(row.Lineage with { ContentGeneration = 1 }, decoded.Lineage);
            Assert.Equal(row.Values, decoded.Values);
            Assert.Equal(row.Defect, decoded.Defect);
            Assert.True(EventSchemas.TryGetEntity(published, out var found));
            Assert.Equal(entity, found);
        }
    }

    [Fact]
    public void Dead_letter_events_published_before_content_generation_decode_as_generation_1()
    {
        var version1 = Parse(EventSchemas.History(EventSchemas.RejectedRowFileName)[0]);
        var rejected = new RejectedRowEvent(Entity.Rate, SampleRows.Lineage, RuleCodes.InvalidDecimal, null, "m", "raw", [1, 2]);

        var decoded = RejectedRowSerializer.Instance.Deserialize(ApacheAvroEvents.SingleObject(ApacheAvroEvents.Rejected(version1, rejected)));

        Assert.Equal(rejected with { Lineage = rejected.Lineage with { ContentGeneration = 1 }, OriginalEvent = decoded.OriginalEvent }, decoded);
        Assert.Equal(rejected.OriginalEvent, decoded.OriginalEvent);
    }

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

        DamagedEvents.AssertEveryTruncationFails(bytes, damaged => serializer.Deserialize(damaged));
        Assert.Throws<AvroContractException>(() => serializer.Deserialize([.. bytes, 0]));
        DamagedEvents.AssertCorruptionsDecodeOrFailCleanly(bytes, damaged => serializer.Deserialize(damaged), seed: 20261130);
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
