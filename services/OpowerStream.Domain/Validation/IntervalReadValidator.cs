using System.Globalization;
using OpowerStream.Domain.Values;

namespace OpowerStream.Domain.Validation;

/// <summary>
/// Spec 4.1: an interval file row. Units, is_estimate, service_type and service_quantity_identifier
/// are matched case-insensitively and stored upper-case: they are parts of the key (or sit next to
/// it), so "kwh" and "KWH" must not become two keys.
/// </summary>
public sealed class IntervalReadValidator : RowValidator<IntervalRead>
{
    private const int ServicePointIdLength = 40;
    private const int UnitsLength = 30;

    /// <summary>The spec's default when is_estimate is empty.</summary>
    private const char EstimatedFlag = 'E';

    private static readonly EntityLayout Layout = EntityLayout.Interval;
    private static readonly int IntervalMinutesAt = Layout.IndexOf(IntervalColumns.IntervalMinutes);
    private static readonly int ServicePointIdAt = Layout.IndexOf(IntervalColumns.ServicePointId);
    private static readonly int UsageValueAt = Layout.IndexOf(IntervalColumns.UsageValue);
    private static readonly int DateAt = Layout.IndexOf(IntervalColumns.Date);
    private static readonly int TimeAt = Layout.IndexOf(IntervalColumns.Time);
    private static readonly int UnitsAt = Layout.IndexOf(IntervalColumns.Units);
    private static readonly int IsEstimateAt = Layout.IndexOf(IntervalColumns.IsEstimate);
    private static readonly int UtcOffsetAt = Layout.IndexOf(IntervalColumns.UtcOffset);
    private static readonly int ServiceTypeAt = Layout.IndexOf(IntervalColumns.ServiceType);
    private static readonly int IdentifierAt = Layout.IndexOf(IntervalColumns.ServiceQuantityIdentifier);

    private static readonly string IntervalLengthListing = string.Join(", ", IntervalLengths.Allowed);
    private static readonly EnumeratedValues EstimateFlags = new(["A", "E", "U"]);

    private readonly TimeZoneInfo utilityTimeZone;
    private readonly EnumeratedValues units;
    private readonly EnumeratedValues serviceTypes;
    private readonly EnumeratedValues identifiers;

    public IntervalReadValidator(ValidationSettings settings)
        : base(Layout)
    {
        ArgumentNullException.ThrowIfNull(settings);
        utilityTimeZone = settings.UtilityTimeZone;
        units = new EnumeratedValues(settings.AllowedUnits);
        serviceTypes = new EnumeratedValues(settings.AllowedServiceTypes);

        // v2-0-5 renamed GEN to GENERATED; files from older extracts still say GEN.
        identifiers = new EnumeratedValues(settings.AllowedIntervalIdentifiers, ("GEN", "GENERATED"));
    }

    protected override Rejection? Read(IReadOnlyList<string?> values, SourceSequence sequence, out IntervalRead? record)
    {
        var reader = new ColumnReader(values, Layout);
        var intervalMinutes = ReadIntervalMinutes(ref reader);
        var servicePointId = reader.RequiredText(ServicePointIdAt, ServicePointIdLength);
        var usageValue = reader.RequiredDecimal(UsageValueAt, DecimalType.Quantity);
        var dateText = reader.Required(DateAt);
        var date = reader.Check(IntervalEnd.ParseDate(dateText), DateAt, dateText);
        var timeText = reader.Required(TimeAt);
        var minuteOfDay = reader.Check(IntervalEnd.ParseTime(timeText), TimeAt, timeText);
        if (reader.IsValid && !IntervalEnd.IsAligned(minuteOfDay, intervalMinutes))
        {
            reader.Fail(
                RuleCodes.MisalignedInterval,
                TimeAt,
                timeText,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"ends at minute {minuteOfDay % 60}, which is not a multiple of the {intervalMinutes}-minute interval length"));
        }

        var unit = reader.RequiredEnumerated(UnitsAt, units, UnitsLength);
        var isEstimate = reader.OptionalEnumerated(IsEstimateAt, EstimateFlags)?[0] ?? EstimatedFlag;
        var offsetText = reader.Optional(UtcOffsetAt);
        TimeSpan? utcOffset = offsetText.IsEmpty ? null : reader.Check(IntervalEnd.ParseUtcOffset(offsetText), UtcOffsetAt, offsetText);
        var intervalEndUtc = ResolveEnd(ref reader, date, minuteOfDay, utcOffset, dateText, timeText);
        var serviceType = reader.OptionalEnumerated(ServiceTypeAt, serviceTypes);
        var identifier = reader.OptionalEnumerated(IdentifierAt, identifiers) ?? string.Empty;
        if (reader.IsValid && usageValue < 0 && identifier is not ("NET_USAGE" or "RECEIVED"))
        {
            reader.Fail(
                RuleCodes.NegativeUsage,
                UsageValueAt,
                reader.Optional(UsageValueAt),
                $"is negative, which only {reader.Field(IdentifierAt)} NET_USAGE or RECEIVED allows (this row's is \"{identifier}\")");
        }

        record = reader.IsValid
            ? new IntervalRead(
                servicePointId, identifier, unit, intervalMinutes, intervalEndUtc, usageValue, isEstimate, serviceType, sequence)
            : null;
        return reader.Rejection;
    }

    /// <summary>The length comes from the file name as text such as "15"; only the spec's lengths are accepted.</summary>
    private static int ReadIntervalMinutes(ref ColumnReader reader)
    {
        var text = reader.Required(IntervalMinutesAt);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && IntervalLengths.IsAllowed(minutes))
        {
            return minutes;
        }

        reader.Fail(RuleCodes.InvalidEnum, IntervalMinutesAt, text, $"is not an interval length in minutes ({IntervalLengthListing})");
        return 0;
    }

    /// <summary>
    /// The interval end as a UTC instant. A skipped or repeated local time is blamed on <c>time</c>,
    /// and the message shows the date too, since the date decides whether the time exists.
    /// </summary>
    private DateTime ResolveEnd(
        ref ColumnReader reader, DateOnly date, int minuteOfDay, TimeSpan? utcOffset, ReadOnlySpan<char> dateText, ReadOnlySpan<char> timeText)
    {
        if (!reader.IsValid)
        {
            return default;
        }

        var end = IntervalEnd.ToUtc(date, minuteOfDay, utcOffset, utilityTimeZone);
        if (end.Failure is { } failure)
        {
            reader.Fail(failure.Rule, TimeAt, string.Concat(dateText, " ", timeText), failure.Reason);
        }

        return end.Value;
    }
}
