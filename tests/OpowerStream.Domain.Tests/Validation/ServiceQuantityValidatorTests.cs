using OpowerStream.Domain.Validation;
using static OpowerStream.Domain.Tests.Validation.TestRows;

namespace OpowerStream.Domain.Tests.Validation;

public class ServiceQuantityValidatorTests
{
    private static readonly IReadOnlyDictionary<string, string?> Baseline = ValidRows.ServiceQuantity;

    private readonly ServiceQuantityValidator validator = new(ValidationSettings.Default);

    [Fact]
    public void A_valid_row_becomes_a_service_quantity_with_its_source_sequence()
    {
        var result = validator.Validate(Row());

        Assert.Equal(
            new ServiceQuantity(
                "BS-770001",
                "KWH",
                "WEEKEND_SUMMER",
                "CONSUMED",
                "B-77",
                Utc(2026, 10, 1),
                Utc(2026, 10, 31, 23, 59, 59),
                812.5m,
                Utc(2026, 11, 2, 8, 0),
                SourceLineage.Sequence),
            result.Row);
        Assert.Equal(Entity.ServiceQuantity, validator.Entity);
    }

    [Theory]
    [InlineData(ServiceQuantityColumns.BillId, "", RuleCodes.MissingRequired)]
    [InlineData(ServiceQuantityColumns.BillId, "12345678901234567890123456789012345678901", RuleCodes.TooLong)]
    [InlineData(ServiceQuantityColumns.BillSegmentId, null, RuleCodes.MissingRequired)]
    [InlineData(ServiceQuantityColumns.BillSegmentId, "12345678901234567890123456789012345678901", RuleCodes.TooLong)]
    [InlineData(ServiceQuantityColumns.UnitOfMeasure, "1234567890123456789012345678901", RuleCodes.TooLong)]
    [InlineData(ServiceQuantityColumns.TimeOfUse, "1234567890123456789012345678901", RuleCodes.TooLong)]
    [InlineData(ServiceQuantityColumns.ServiceQuantityIdentifier, "1234567890123456789012345678901", RuleCodes.TooLong)]
    [InlineData(ServiceQuantityColumns.StartReadDatetime, "", RuleCodes.MissingRequired)]
    [InlineData(ServiceQuantityColumns.StartReadDatetime, "10/01/2026", RuleCodes.InvalidDatetime)]
    [InlineData(ServiceQuantityColumns.EndReadDatetime, " ", RuleCodes.MissingRequired)]
    [InlineData(ServiceQuantityColumns.EndReadDatetime, "2026-10-31 25:00:00", RuleCodes.InvalidDatetime)]
    [InlineData(ServiceQuantityColumns.EndReadDatetime, "2026-10-01 00:00:00", RuleCodes.InvalidRange)]
    [InlineData(ServiceQuantityColumns.EndReadDatetime, "2026-09-30", RuleCodes.InvalidRange)]
    [InlineData(ServiceQuantityColumns.BilledServiceQuantity, "", RuleCodes.MissingRequired)]
    [InlineData(ServiceQuantityColumns.BilledServiceQuantity, "1,812.5", RuleCodes.InvalidDecimal)]
    [InlineData(ServiceQuantityColumns.BilledServiceQuantity, "1234567890123", RuleCodes.InvalidDecimal)]
    [InlineData(ServiceQuantityColumns.UpdatedAt, "yesterday", RuleCodes.InvalidDatetime)]
    public void Each_rule_rejects_with_its_code_and_field(string column, string? value, string rule)
    {
        var result = validator.Validate(Row((column, value)));

        Assert.False(result.IsValid);
        Assert.Equal(rule, result.Rejection.Rule);
        Assert.Equal(column, result.Rejection.Field);
    }

    [Fact]
    public void An_end_not_after_the_start_is_an_invalid_range_naming_both()
    {
        var result = validator.Validate(Row((ServiceQuantityColumns.EndReadDatetime, "2026-09-30 00:00:00")));

        Assert.Equal(
            "end_read_datetime \"2026-09-30 00:00:00\" is not after start_read_datetime \"2026-10-01 00:00:00\"",
            result.Rejection?.Message);
    }

    [Fact]
    public void The_range_compares_instants_not_texts()
    {
        // 23:00 at -05:00 is 04:00 UTC the next day: after a start of 01:00 UTC.
        var result = validator.Validate(Row(
            (ServiceQuantityColumns.StartReadDatetime, "2026-10-02T01:00:00Z"),
            (ServiceQuantityColumns.EndReadDatetime, "2026-10-01T23:00:00-05:00")));

        Assert.Equal(Utc(2026, 10, 2, 4, 0), result.Row?.EndUtc);
    }

    [Fact]
    public void Empty_key_parts_are_stored_as_empty_strings()
    {
        var result = validator.Validate(Row(
            (ServiceQuantityColumns.UnitOfMeasure, ""),
            (ServiceQuantityColumns.TimeOfUse, null),
            (ServiceQuantityColumns.ServiceQuantityIdentifier, "  "),
            (ServiceQuantityColumns.UpdatedAt, null)));

        Assert.Equal(string.Empty, result.Row?.UnitOfMeasure);
        Assert.Equal(string.Empty, result.Row?.TimeOfUse);
        Assert.Equal(string.Empty, result.Row?.ServiceQuantityIdentifier);
        Assert.Null(result.Row?.UpdatedAtUtc);
    }

    [Fact]
    public void Free_text_key_parts_are_trimmed_and_otherwise_stored_as_sent()
    {
        var result = validator.Validate(Row(
            (ServiceQuantityColumns.BillSegmentId, " BS-770001 "),
            (ServiceQuantityColumns.UnitOfMeasure, " kWh "),
            (ServiceQuantityColumns.ServiceQuantityIdentifier, "DAYS"),
            (ServiceQuantityColumns.BilledServiceQuantity, " -3.000001 ")));

        Assert.Equal("BS-770001", result.Row?.BillSegmentId);
        Assert.Equal("kWh", result.Row?.UnitOfMeasure);
        Assert.Equal("DAYS", result.Row?.ServiceQuantityIdentifier);
        Assert.Equal(-3.000001m, result.Row?.BilledQuantity);
    }

    [Fact]
    public void A_row_defect_from_the_extractor_is_the_rejection()
    {
        var defect = new RowDefect(RuleCodes.InvalidEncoding, null, "line 7 is not valid UTF-8", "\uFFFD");
        var result = validator.Validate(Row() with { Defect = defect });

        Assert.Equal(new Rejection(RuleCodes.InvalidEncoding, null, "line 7 is not valid UTF-8"), result.Rejection);
    }

    private static RawRow Row(params (string Column, string? Value)[] overrides) =>
        TestRows.Build(EntityLayout.ServiceQuantity, Baseline, overrides);
}
