using OpowerStream.Domain;

namespace OpowerStream.Samples;

/// <summary>
/// One written file. <see cref="BadRows"/> rows each fail exactly one rule (counted per rule code in
/// <see cref="BadRowsByRule"/>); every other row is valid and has a key no other good row has, except
/// deliberate rate corrections.
/// </summary>
public sealed record GeneratedFile(
    string Path,
    Entity Entity,
    long Rows,
    long BadRows,
    IReadOnlyDictionary<string, long> BadRowsByRule)
{
    public long ExpectedApplied => Rows - BadRows;
}

/// <summary>
/// An entity's files together. <see cref="ValueSum"/> is the sum of usage_value (intervals) or
/// billed_service_quantity (service quantities) over the good rows, 0 for rates: what the store must
/// add up to once everything is applied.
/// </summary>
public sealed record EntityTotals(
    Entity Entity,
    int Files,
    long Rows,
    long BadRows,
    IReadOnlyDictionary<string, long> BadRowsByRule,
    decimal ValueSum)
{
    public long ExpectedApplied => Rows - BadRows;
}

/// <summary>One version of the expected final rate history (spec 4.3).</summary>
public sealed record ExpectedRateVersion(string ServiceAgreementId, DateTime EffectiveUtc, string RateCode);

/// <summary>What a generation wrote and the truth the store must reach after applying it.</summary>
public sealed record GenerationResult(
    IReadOnlyList<GeneratedFile> Files,
    IReadOnlyList<EntityTotals> Totals,
    long RateCorrections,
    IReadOnlyList<ExpectedRateVersion> RateHistory,
    string ManifestPath)
{
    public EntityTotals TotalsFor(Entity entity) => Totals.Single(total => total.Entity == entity);

    /// <summary>Rows the consumer applies: all rows minus the bad ones (a correction is applied too).</summary>
    public long ExpectedApplied(Entity entity) => TotalsFor(entity).ExpectedApplied;

    /// <summary>
    /// Rows the store ends up holding: the applied rows, less the rate corrections, which replace a
    /// version instead of adding one.
    /// </summary>
    public long ExpectedStored(Entity entity) =>
        ExpectedApplied(entity) - (entity == Entity.Rate ? RateCorrections : 0);
}
