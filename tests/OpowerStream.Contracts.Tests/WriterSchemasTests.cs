using Avro;
using Avro.Generic;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;
using OpowerStream.Testing;

namespace OpowerStream.Contracts.Tests;

/// <summary>Any of our events, of any published version, decoded with the schema it was written with (what <c>peek</c> shows).</summary>
public sealed class WriterSchemasTests
{
    [Theory]
    [MemberData(nameof(SampleRows.Entities), MemberType = typeof(SampleRows))]
    public void A_current_row_event_decodes_with_the_current_schema_and_its_field_names(Entity entity)
    {
        var row = SampleRows.WithValues(entity);

        var written = WriterSchemas.Decode(RawRowSerializer.For(entity).Serialize(row));

        Assert.Equal(RawRowSerializer.For(entity).Fingerprint, written.Fingerprint);
        var lineage = Assert.IsType<GenericRecord>(written.Body["lineage"]);
        Assert.Equal((row.Lineage.SourceFile, row.Lineage.Line), ((string)lineage["source_file"], (long)lineage["line"]));
    }

    [Fact]
    public void An_event_of_an_earlier_version_decodes_as_written_without_the_fields_it_lacked()
    {
        var version1 = (RecordSchema)Schema.Parse(EventSchemas.History(EventSchemas.FileName(Entity.Rate))[0]);
        var published = ApacheAvroEvents.SingleObject(ApacheAvroEvents.Row(version1, Entity.Rate, SampleRows.WithValues(Entity.Rate)));

        var written = WriterSchemas.Decode(published);

        Assert.Equal(version1.Fields.Select(f => f.Name), written.Schema.Fields.Select(f => f.Name));
        Assert.False(((GenericRecord)written.Body["lineage"]).Schema.Contains("content_generation"));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "Not an Avro single-object encoded event")]
    [InlineData(new byte[] { 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8 }, "Unknown schema fingerprint 0x0807060504030201")]
    public void Bytes_that_are_not_one_of_our_events_are_refused_with_the_reason(byte[] bytes, string reason)
    {
        var error = Assert.Throws<AvroContractException>(() => WriterSchemas.Decode(bytes));

        Assert.StartsWith(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_event_is_malformed()
    {
        var whole = RawRowSerializer.For(Entity.Rate).Serialize(SampleRows.WithValues(Entity.Rate));

        var error = Assert.Throws<AvroContractException>(() => WriterSchemas.Decode(whole.AsSpan(0, whole.Length - 3)));

        Assert.StartsWith("Malformed opowerstream.events.RateRowEvent event", error.Message, StringComparison.Ordinal);
    }
}
