using OpowerStream.Domain.Validation;
using static OpowerStream.Domain.Tests.Validation.TestRows;

namespace OpowerStream.Domain.Tests.Validation;

public class IntervalReadValidatorTests
{
    private static readonly IReadOnlyDictionary<string, string?> Baseline = ValidRows.Interval;

    private readonly IntervalReadValidator validator = new(ValidationSettings.Default);
    private readonly IntervalReadValidator newYork = new(ValidationSettings.ForTimeZone("America/New_York"));

    [Fact]
    public void A_valid_row_becomes_an_interval_read_with_its_source_sequence()
    {
        var result = validator.Validate(Row());

        Assert.True(result.IsValid);
        Assert.Null(result.Rejection);
        Assert.Equal(
            new IntervalRead("SP-1001", "CONSUMED", "KWH", 15, Utc(2026, 11, 20, 11, 15), 1.25m, 'A', "ELECTRIC", SourceLineage.Sequence),
            result.Row);
        Assert.Equal(Entity.Interval, validator.Entity);
    }

    [Theory]
    [InlineData(IntervalColumns.IntervalMinutes, "", RuleCodes.MissingRequired)]
    [InlineData(IntervalColumns.IntervalMinutes, "10", RuleCodes.InvalidEnum)]
    [InlineData(IntervalColumns.IntervalMinutes, "fifteen", RuleCodes.InvalidEnum)]
    [InlineData(IntervalColumns.IntervalMinutes, "-15", RuleCodes.InvalidEnum)]
    [InlineData(IntervalColumns.ServicePointId, null, RuleCodes.MissingRequired)]
    [InlineData(IntervalColumns.ServicePointId, "   ", RuleCodes.MissingRequired)]
    [InlineData(IntervalColumns.ServicePointId, "12345678901234567890123456789012345678901", RuleCodes.TooLong)]
    [InlineData(IntervalColumns.UsageValue, "", RuleCodes.MissingRequired)]
    [InlineData(IntervalColumns.UsageValue, "1.1234567", RuleCodes.InvalidDecimal)]
    [InlineData(IntervalColumns.UsageValue, "1e3", RuleCodes.InvalidDecimal)]
    [InlineData(IntervalColumns.UsageValue, "-1.5", RuleCodes.NegativeUsage)]
    [InlineData(IntervalColumns.Date, "", RuleCodes.MissingRequired)]
    [InlineData(IntervalColumns.Date, "2026-11-20", RuleCodes.InvalidDatetime)]
    [InlineData(IntervalColumns.Time, "", RuleCodes.MissingRequired)]
    [InlineData(IntervalColumns.Time, "2460", RuleCodes.InvalidDatetime)]
    [InlineData(IntervalColumns.Time, "0620", RuleCodes.MisalignedInterval)]
    [InlineData(IntervalColumns.Units, "", RuleCodes.MissingRequired)]
    [InlineData(IntervalColumns.Units, "BTU", RuleCodes.InvalidEnum)]
    [InlineData(IntervalColumns.Units, "KWHKWHKWHKWHKWHKWHKWHKWHKWHKWH1", RuleCodes.TooLong)]
    [InlineData(IntervalColumns.IsEstimate, "X", RuleCodes.InvalidEnum)]
    [InlineData(IntervalColumns.IsEstimate, "AE", RuleCodes.InvalidEnum)]
    [InlineData(IntervalColumns.UtcOffset, "EST", RuleCodes.InvalidDatetime)]
    [InlineData(IntervalColumns.ServiceType, "STEAM", RuleCodes.InvalidEnum)]
    [InlineData(IntervalColumns.ServiceQuantityIdentifier, "DAYS", RuleCodes.InvalidEnum)]
    public void Each_rule_rejects_with_its_code_and_field(string column, string? value, string rule)
    {
        var result = validator.Validate(Row((column, value)));

        Assert.False(result.IsValid);
        Assert.Null(result.Row);
        Assert.Equal(rule, result.Rejection.Rule);
        Assert.Equal(column, result.Rejection.Field);
    }

    [Fact]
    public void The_message_names_field_value_and_rule()
    {
        var result = validator.Validate(Row((IntervalColumns.UsageValue, "12.1234567")));

        Assert.Equal(
            new Rejection(RuleCodes.InvalidDecimal, IntervalColumns.UsageValue, "usage_value \"12.1234567\" has 7 fraction digits; DECIMAL(18,6) allows 6"),
            result.Rejection);
    }

    [Fact]
    public void A_long_value_is_shortened_in_the_message()
    {
        var result = validator.Validate(Row((IntervalColumns.ServicePointId, new string('9', 100))));

        Assert.Equal(
            $"service_point_id \"{new string('9', 57)}...\" has 100 characters; VARCHAR(40) allows 40",
            result.Rejection?.Message);
    }

    [Fact]
    public void Messages_for_missing_enum_and_misaligned_values_explain_the_rule()
    {
        Assert.Equal("service_point_id is empty but required", validator.Validate(Row((IntervalColumns.ServicePointId, ""))).Rejection?.Message);
        Assert.Equal(
            "units \"BTU\" is not one of KWH, WH, KW, KVARH, KVAH, THERM, CCF, CF, GAL, M3",
            validator.Validate(Row((IntervalColumns.Units, "BTU"))).Rejection?.Message);
        Assert.Equal(
            "time \"0620\" ends at minute 20, which is not a multiple of the 15-minute interval length",
            validator.Validate(Row((IntervalColumns.Time, "0620"))).Rejection?.Message);
        Assert.Equal(
            "interval_minutes \"10\" is not an interval length in minutes (5, 15, 30, 60, 1440)",
            validator.Validate(Row((IntervalColumns.IntervalMinutes, "10"))).Rejection?.Message);
    }

    [Fact]
    public void The_first_failing_column_in_layout_order_is_reported()
    {
        var result = validator.Validate(Row(
            (IntervalColumns.Units, "BTU"),
            (IntervalColumns.UsageValue, "abc"),
            (IntervalColumns.ServiceType, "STEAM")));

        Assert.Equal(IntervalColumns.UsageValue, result.Rejection?.Field);
    }

    [Theory]
    [InlineData("NET_USAGE")]
    [InlineData("RECEIVED")]
    [InlineData("net_usage")]
    public void Negative_usage_is_allowed_for_net_usage_and_received(string identifier)
    {
        var result = validator.Validate(Row((IntervalColumns.UsageValue, "-1.5"), (IntervalColumns.ServiceQuantityIdentifier, identifier)));

        Assert.Equal(-1.5m, result.Row?.UsageValue);
    }

    [Theory]
    [InlineData("CONSUMED")]
    [InlineData("GENERATED")]
    [InlineData(null)]
    public void Negative_usage_is_rejected_for_other_identifiers(string? identifier)
    {
        var result = validator.Validate(Row((IntervalColumns.UsageValue, "-1.5"), (IntervalColumns.ServiceQuantityIdentifier, identifier)));

        Assert.Equal(RuleCodes.NegativeUsage, result.Rejection?.Rule);
        Assert.Equal(IntervalColumns.UsageValue, result.Rejection?.Field);
        Assert.StartsWith("usage_value \"-1.5\" is negative", result.Rejection?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_zero_is_not_negative()
    {
        Assert.Equal(0m, validator.Validate(Row((IntervalColumns.UsageValue, "-0.0"))).Row?.UsageValue);
    }

    [Theory]
    [InlineData("GEN")]
    [InlineData("gen")]
    [InlineData("Generated")]
    public void Gen_is_accepted_and_stored_as_generated(string identifier)
    {
        var result = validator.Validate(Row((IntervalColumns.ServiceQuantityIdentifier, identifier)));

        Assert.Equal("GENERATED", result.Row?.ServiceQuantityIdentifier);
    }

    [Fact]
    public void Gen_is_refused_when_configuration_does_not_allow_generated()
    {
        var consumedOnly = new IntervalReadValidator(new ValidationSettings { AllowedIntervalIdentifiers = new HashSet<string> { "CONSUMED" } });

        Assert.Equal(RuleCodes.InvalidEnum, consumedOnly.Validate(Row((IntervalColumns.ServiceQuantityIdentifier, "GEN"))).Rejection?.Rule);
    }

    [Theory]
    [InlineData("", 'E')]
    [InlineData(null, 'E')]
    [InlineData("  ", 'E')]
    [InlineData("a", 'A')]
    [InlineData("U", 'U')]
    [InlineData("e", 'E')]
    public void Is_estimate_defaults_to_e_and_ignores_case(string? flag, char expected)
    {
        Assert.Equal(expected, validator.Validate(Row((IntervalColumns.IsEstimate, flag))).Row?.IsEstimate);
    }

    [Fact]
    public void Enumerated_values_are_matched_case_insensitively_and_stored_upper_case()
    {
        var result = validator.Validate(Row(
            (IntervalColumns.Units, "kWh"),
            (IntervalColumns.ServiceType, "electric"),
            (IntervalColumns.ServiceQuantityIdentifier, "Delivered")));

        Assert.Equal("KWH", result.Row?.Units);
        Assert.Equal("ELECTRIC", result.Row?.ServiceType);
        Assert.Equal("DELIVERED", result.Row?.ServiceQuantityIdentifier);
    }

    [Fact]
    public void Values_are_trimmed()
    {
        var result = validator.Validate(Row(
            (IntervalColumns.IntervalMinutes, " 15 "),
            (IntervalColumns.ServicePointId, "  SP-1001\t"),
            (IntervalColumns.UsageValue, " 2.5 "),
            (IntervalColumns.Date, " 20261120"),
            (IntervalColumns.Time, "0615 "),
            (IntervalColumns.Units, " KWH "),
            (IntervalColumns.UtcOffset, " -05:00 ")));

        Assert.Equal(
            new IntervalRead("SP-1001", "CONSUMED", "KWH", 15, Utc(2026, 11, 20, 11, 15), 2.5m, 'A', "ELECTRIC", SourceLineage.Sequence),
            result.Row);
    }

    [Fact]
    public void Absent_optional_columns_give_an_empty_identifier_and_no_service_type()
    {
        var result = validator.Validate(Row(
            (IntervalColumns.IsEstimate, null),
            (IntervalColumns.UtcOffset, null),
            (IntervalColumns.ServiceType, null),
            (IntervalColumns.ServiceQuantityIdentifier, null)));

        Assert.Equal(
            new IntervalRead("SP-1001", string.Empty, "KWH", 15, Utc(2026, 11, 20, 6, 15), 1.25m, 'E', null, SourceLineage.Sequence),
            result.Row);
    }

    [Fact]
    public void The_fall_back_hour_is_told_apart_by_the_utc_offset()
    {
        var daylight = newYork.Validate(Row((IntervalColumns.Date, "20261101"), (IntervalColumns.Time, "0130"), (IntervalColumns.UtcOffset, "-0400")));
        var standard = newYork.Validate(Row((IntervalColumns.Date, "20261101"), (IntervalColumns.Time, "0130"), (IntervalColumns.UtcOffset, "-05")));

        Assert.Equal(Utc(2026, 11, 1, 5, 30), daylight.Row?.IntervalEndUtc);
        Assert.Equal(Utc(2026, 11, 1, 6, 30), standard.Row?.IntervalEndUtc);
    }

    [Fact]
    public void The_fall_back_hour_without_offset_is_ambiguous_and_blamed_on_time()
    {
        var result = newYork.Validate(Row((IntervalColumns.Date, "20261101"), (IntervalColumns.Time, "0130"), (IntervalColumns.UtcOffset, null)));

        Assert.Equal(RuleCodes.AmbiguousLocalTime, result.Rejection?.Rule);
        Assert.Equal(IntervalColumns.Time, result.Rejection?.Field);
        Assert.StartsWith("time \"20261101 0130\" is a local time that occurs twice in America/New_York", result.Rejection?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_spring_forward_gap_without_offset_is_nonexistent()
    {
        var result = newYork.Validate(Row((IntervalColumns.Date, "20260308"), (IntervalColumns.Time, "0230"), (IntervalColumns.UtcOffset, "")));

        Assert.Equal(RuleCodes.NonexistentLocalTime, result.Rejection?.Rule);
        Assert.Equal(IntervalColumns.Time, result.Rejection?.Field);
    }

    [Fact]
    public void Without_offset_the_utility_time_zone_decides_the_instant()
    {
        var result = newYork.Validate(Row((IntervalColumns.Date, "20260715"), (IntervalColumns.Time, "2400"), (IntervalColumns.UtcOffset, null)));

        Assert.Equal(Utc(2026, 7, 16, 4, 0), result.Row?.IntervalEndUtc);
    }

    [Theory]
    [InlineData("60", "0630")]
    [InlineData("1440", "0000")]
    [InlineData("5", "0635")]
    [InlineData("30", "0630")]
    public void Alignment_follows_the_interval_length(string intervalMinutes, string time)
    {
        var result = validator.Validate(Row((IntervalColumns.IntervalMinutes, intervalMinutes), (IntervalColumns.Time, time)));

        Assert.True(result.IsValid, result.Rejection?.Message);
        Assert.Equal(int.Parse(intervalMinutes), result.Row.IntervalMinutes);
    }

    [Fact]
    public void Configured_units_replace_the_default_list()
    {
        var settings = new ValidationSettings { AllowedUnits = new HashSet<string> { "btu" } };
        var configured = new IntervalReadValidator(settings);

        Assert.Equal("BTU", configured.Validate(Row((IntervalColumns.Units, "Btu"))).Row?.Units);
        Assert.Equal(RuleCodes.InvalidEnum, configured.Validate(Row()).Rejection?.Rule);
    }

    [Fact]
    public void A_row_defect_from_the_extractor_is_the_rejection()
    {
        var defect = new RowDefect(RuleCodes.WrongColumnCount, null, "line 7 has 9 columns; the header has 10", "a\tb");
        var result = validator.Validate(Row() with { Defect = defect });

        Assert.Equal(new Rejection(RuleCodes.WrongColumnCount, null, "line 7 has 9 columns; the header has 10"), result.Rejection);
        Assert.Null(result.Row);
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_values_is_a_programming_error()
    {
        var row = new RawRow(SourceLineage, ["15", "SP-1001"]);

        Assert.Throws<ArgumentException>(() => validator.Validate(row));
    }

    private static RawRow Row(params (string Column, string? Value)[] overrides) =>
        TestRows.Build(EntityLayout.Interval, Baseline, overrides);
}
