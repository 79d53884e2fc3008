namespace OpowerStream.Samples.Entities;

/// <summary>
/// The rate history the generator's good rows must produce (spec 4.3), kept as they are written:
/// a new effective date adds a version, the same one corrects it.
/// </summary>
internal sealed class RateTruth(int agreements)
{
    private readonly SortedList<DateTime, Version>?[] histories = new SortedList<DateTime, Version>?[agreements];

    public long Corrections { get; private set; }

    public Version? Latest(int agreement) => histories[agreement]?.Values[^1];

    public void Apply(int agreement, DateTime effectiveLocal, DateTime effectiveUtc, string rateCode)
    {
        var history = histories[agreement] ??= [];
        if (history.ContainsKey(effectiveUtc))
        {
            Corrections++;
        }

        history[effectiveUtc] = new Version(effectiveLocal, effectiveUtc, rateCode);
    }

    public IReadOnlyList<ExpectedRateVersion> Export() =>
        histories
            .Select((history, agreement) => (history, agreement))
            .Where(entry => entry.history is not null)
            .SelectMany(entry => entry.history!.Values.Select(version => new ExpectedRateVersion(
                Population.ServiceAgreementId(entry.agreement).ToString(System.Globalization.CultureInfo.InvariantCulture),
                version.EffectiveUtc,
                version.RateCode)))
            .ToList();

    internal sealed record Version(DateTime EffectiveLocal, DateTime EffectiveUtc, string RateCode);
}
