using OpowerStream.Domain.Validation;
using static OpowerStream.Domain.Tests.Validation.TestRows;

namespace OpowerStream.Domain.Tests.Validation;

public class RateRowValidatorTests
{
    private static readonly IReadOnlyDictionary<string, string?> Baseline = ValidRows.Rate;

    private readonly RateRowValidator validator = new(ValidationSettings.Default);
    private readonly RateRowValidator newYork = new(ValidationSettings.ForTimeZone("America/New_York"));

    [Fact]
    public void A_valid_row_becomes_a_rate_row_with_its_source_sequence()
    {
        var result = validator.Validate(Row());

        Assert.Equal(
            new RateRow("1234567890", "ER-BASIC", Utc(2018, 1, 1), Utc(2018, 1, 2, 9, 30), "ACC-1", SourceLineage.Sequence),
            result.Row);
        Assert.Equal(Entity.Rate, validator.Entity);
    }

    [Fact]
    public void Optional_columns_may_be_absent_or_empty()
    {
        var result = validator.Validate(Row((RateColumns.UpdatedAt, null), (RateColumns.AccountId, " ")));

        Assert.Equal(new RateRow("1234567890", "ER-BASIC", Utc(2018, 1, 1), null, null, SourceLineage.Sequence), result.Row);
    }

    [Theory]
    [InlineData(RateColumns.ServiceAgreementId, "", RuleCodes.MissingRequired)]
    [InlineData(RateColumns.ServiceAgreementId, "12345678901234567890123456789012345678901", RuleCodes.TooLong)]
    [InlineData(RateColumns.SaRateCode, null, RuleCodes.MissingRequired)]
    [InlineData(RateColumns.SaRateCode, "12345678901234567890123456789012345678901", RuleCodes.TooLong)]
    [InlineData(RateColumns.EffectiveDatetime, "", RuleCodes.MissingRequired)]
    [InlineData(RateColumns.EffectiveDatetime, "2018-02-30", RuleCodes.InvalidDatetime)]
    [InlineData(RateColumns.UpdatedAt, "2018-01-02 9:30", RuleCodes.InvalidDatetime)]
    [InlineData(RateColumns.AccountId, "12345678901234567890123456789012345678901", RuleCodes.TooLong)]
    public void Each_rule_rejects_with_its_code_and_field(string column, string? value, string rule)
    {
        var result = validator.Validate(Row((column, value)));

        Assert.False(result.IsValid);
        Assert.Equal(rule, result.Rejection.Rule);
        Assert.Equal(column, result.Rejection.Field);
    }

    [Theory]
    [InlineData("2026-03-08 02:30:00", RuleCodes.NonexistentLocalTime)]
    [InlineData("2026-11-01 01:30:00", RuleCodes.AmbiguousLocalTime)]
    public void Local_times_the_utility_zone_cannot_place_are_rejected(string effective, string rule)
    {
        var result = newYork.Validate(Row((RateColumns.EffectiveDatetime, effective)));

        Assert.Equal(rule, result.Rejection?.Rule);
        Assert.Equal(RateColumns.EffectiveDatetime, result.Rejection?.Field);
        Assert.StartsWith($"effective_datetime \"{effective}\" is a local time that", result.Rejection?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_times_are_converted_from_the_utility_zone_to_utc()
    {
        var result = newYork.Validate(Row((RateColumns.EffectiveDatetime, " 2018-05-01 ")));

        Assert.Equal(Utc(2018, 5, 1, 4, 0), result.Row?.EffectiveUtc);
    }

    [Fact]
    public void Values_are_trimmed()
    {
        var result = validator.Validate(Row((RateColumns.ServiceAgreementId, " 1234567890 "), (RateColumns.SaRateCode, "\tER-BASIC ")));

        Assert.Equal("1234567890", result.Row?.ServiceAgreementId);
        Assert.Equal("ER-BASIC", result.Row?.RateCode);
    }

    private static RawRow Row(params (string Column, string? Value)[] overrides) =>
        TestRows.Build(EntityLayout.Rate, Baseline, overrides);
}
