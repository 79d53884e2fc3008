using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;

namespace OpowerStream.Contracts.Tests;

public class RejectedRowSerializerTests
{
    [Theory]
    [MemberData(nameof(SampleRows.Entities), MemberType = typeof(SampleRows))]
    public void Dead_letter_events_round_trip_with_the_original_event_intact(Entity entity)
    {
        var original = RawRowSerializer.For(entity).Serialize(SampleRows.WithValues(entity));
        var rejected = new RejectedRowEvent(entity, SampleRows.Lineage, RuleCodes.InvalidDecimal, "usage_value", "'x' is not a decimal ü", "a\tx\tc", original);

        var decoded = RejectedRowSerializer.Instance.Deserialize(RejectedRowSerializer.Instance.Serialize(rejected));

        Assert.Equal(rejected with { OriginalEvent = decoded.OriginalEvent }, decoded);
        Assert.Equal(original, decoded.OriginalEvent);
        Assert.Equal(SampleRows.WithValues(entity).Values, RawRowSerializer.For(entity).Deserialize(decoded.OriginalEvent).Values);
    }

    [Fact]
    public void A_dead_letter_event_without_field_round_trips()
    {
        var rejected = new RejectedRowEvent(Entity.Rate, SampleRows.Lineage, RuleCodes.WrongColumnCount, null, "m", string.Empty, []);

        var decoded = RejectedRowSerializer.Instance.Deserialize(RejectedRowSerializer.Instance.Serialize(rejected));

        Assert.Null(decoded.Field);
        Assert.Empty(decoded.OriginalEvent);
    }

    [Fact]
    public void A_row_event_is_not_a_dead_letter_event()
    {
        var rowEvent = RawRowSerializer.For(Entity.Rate).Serialize(SampleRows.WithValues(Entity.Rate));

        var error = Assert.Throws<AvroContractException>(() => RejectedRowSerializer.Instance.Deserialize(rowEvent));
        Assert.Contains("Unknown schema fingerprint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_fails_with_a_contract_exception()
    {
        var bytes = RejectedRowSerializer.Instance.Serialize(
            new RejectedRowEvent(Entity.Interval, SampleRows.Lineage, "r", "f", "m", "raw", [1, 2, 3]));

        DamagedEvents.AssertEveryTruncationFails(bytes, damaged => RejectedRowSerializer.Instance.Deserialize(damaged));
    }

    [Fact]
    public void A_schema_missing_a_field_is_caught_at_construction()
    {
        var schema = EventSchemas.Load(EventSchemas.RejectedRowFileName)
            .Replace("\"raw_row\"", "\"raw\"", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidOperationException>(() => new RejectedRowSerializer(schema, []));
        Assert.Contains("'raw_row'", error.Message, StringComparison.Ordinal);
    }
}
