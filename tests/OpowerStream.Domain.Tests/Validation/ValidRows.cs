namespace OpowerStream.Domain.Tests.Validation;

/// <summary>
/// A valid row of each entity, by column: the baseline that rule tests break one value of. Shared by the
/// validators' tests and (linked) by the consumers' processor tests.
/// </summary>
internal static class ValidRows
{
    public static IReadOnlyDictionary<string, string?> Rate { get; } = new Dictionary<string, string?>
    {
        [RateColumns.ServiceAgreementId] = "1234567890",
        [RateColumns.SaRateCode] = "ER-BASIC",
        [RateColumns.EffectiveDatetime] = "2018-01-01 00:00:00",
        [RateColumns.UpdatedAt] = "2018-01-02 09:30:00",
        [RateColumns.AccountId] = "ACC-1",
    };

    public static IReadOnlyDictionary<string, string?> Interval { get; } = new Dictionary<string, string?>
    {
        [IntervalColumns.IntervalMinutes] = "15",
        [IntervalColumns.ServicePointId] = "SP-1001",
        [IntervalColumns.UsageValue] = "1.250000",
        [IntervalColumns.Date] = "20261120",
        [IntervalColumns.Time] = "0615",
        [IntervalColumns.Units] = "KWH",
        [IntervalColumns.IsEstimate] = "A",
        [IntervalColumns.UtcOffset] = "-0500",
        [IntervalColumns.ServiceType] = "ELECTRIC",
        [IntervalColumns.ServiceQuantityIdentifier] = "CONSUMED",
    };

    public static IReadOnlyDictionary<string, string?> ServiceQuantity { get; } = new Dictionary<string, string?>
    {
        [ServiceQuantityColumns.BillId] = "B-77",
        [ServiceQuantityColumns.BillSegmentId] = "BS-770001",
        [ServiceQuantityColumns.UnitOfMeasure] = "KWH",
        [ServiceQuantityColumns.TimeOfUse] = "WEEKEND_SUMMER",
        [ServiceQuantityColumns.ServiceQuantityIdentifier] = "CONSUMED",
        [ServiceQuantityColumns.StartReadDatetime] = "2026-10-01 00:00:00",
        [ServiceQuantityColumns.EndReadDatetime] = "2026-10-31 23:59:59",
        [ServiceQuantityColumns.BilledServiceQuantity] = "812.5",
        [ServiceQuantityColumns.UpdatedAt] = "2026-11-02T08:00:00Z",
    };

    public static IReadOnlyDictionary<string, string?> For(Entity entity) => entity switch
    {
        Entity.Rate => Rate,
        Entity.Interval => Interval,
        Entity.ServiceQuantity => ServiceQuantity,
        _ => throw new ArgumentOutOfRangeException(nameof(entity)),
    };
}
