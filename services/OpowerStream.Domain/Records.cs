namespace OpowerStream.Domain;

/// <summary>A validated service-agreement rate row (spec 4.3). Datetimes are UTC.</summary>
public sealed record RateRow(
    string ServiceAgreementId,
    string RateCode,
    DateTime EffectiveUtc,
    DateTime? UpdatedAtUtc,
    string? AccountId,
    SourceSequence Sequence);

/// <summary>
/// A validated interval read (spec 4.1). Key: (ServicePointId, ServiceQuantityIdentifier, Units,
/// IntervalMinutes, IntervalEndUtc); an absent identifier is the empty string so it can be part of the key.
/// </summary>
public sealed record IntervalRead(
    string ServicePointId,
    string ServiceQuantityIdentifier,
    string Units,
    int IntervalMinutes,
    DateTime IntervalEndUtc,
    decimal UsageValue,
    char IsEstimate,
    string? ServiceType,
    SourceSequence Sequence);

/// <summary>
/// A validated bill service quantity (spec 4.2). Key: (BillSegmentId, UnitOfMeasure, TimeOfUse,
/// ServiceQuantityIdentifier); empty parts are the empty string.
/// </summary>
public sealed record ServiceQuantity(
    string BillSegmentId,
    string UnitOfMeasure,
    string TimeOfUse,
    string ServiceQuantityIdentifier,
    string BillId,
    DateTime StartUtc,
    DateTime EndUtc,
    decimal BilledQuantity,
    DateTime? UpdatedAtUtc,
    SourceSequence Sequence);
