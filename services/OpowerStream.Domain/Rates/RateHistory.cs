namespace OpowerStream.Domain.Rates;

/// <summary>One version of an agreement's rate: effective from <see cref="EffectiveUtc"/>.</summary>
public sealed record RateVersion(
    DateTime EffectiveUtc,
    string RateCode,
    DateTime? UpdatedAtUtc,
    string? AccountId,
    SourceSequence Sequence)
{
    public static RateVersion From(RateRow row) =>
        new(row.EffectiveUtc, row.RateCode, row.UpdatedAtUtc, row.AccountId, row.Sequence);
}

/// <summary>A version with the end of its effective period; <see cref="EndUtc"/> null is open-ended.</summary>
public sealed record RatePeriod(string ServiceAgreementId, RateVersion Version, DateTime? EndUtc);

public enum RateChangeKind
{
    /// <summary>A new effective date: a version was added in date order.</summary>
    Inserted,

    /// <summary>Same effective date, later or equal source sequence, different content: the version was replaced.</summary>
    Corrected,

    /// <summary>The same row again (redelivery, replay): nothing changed.</summary>
    Unchanged,

    /// <summary>An older row for an existing version (a re-sent old file): ignored.</summary>
    Superseded,
}

/// <summary>
/// What applying a row did. <see cref="Displaced"/> is the value that lost (the replaced version on a
/// correction, the late row when superseded); keeping every displaced value in the audit trail makes
/// the trail the same whatever order the rows arrived in.
/// </summary>
public sealed record RateChange(RateChangeKind Kind, RateVersion Current, RateVersion? Displaced);

/// <summary>
/// Spec 4.3: an agreement's rate history. A new effective date inserts a version in date order; the
/// same effective date is a correction. Each version runs until one second before the next one's
/// effective date; the latest is open-ended. Source sequences guard every change (spec section 5),
/// so the final history does not depend on arrival order.
/// </summary>
public sealed class RateHistory
{
    private readonly SortedList<DateTime, RateVersion> versions = [];

    public RateHistory(string serviceAgreementId, IEnumerable<RateVersion> existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ServiceAgreementId = serviceAgreementId;
        foreach (var version in existing)
        {
            versions.Add(version.EffectiveUtc, version);
        }
    }

    public string ServiceAgreementId { get; }

    public IReadOnlyList<RateVersion> Versions => versions.Values.AsReadOnly();

    public RateChange Apply(RateRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!string.Equals(row.ServiceAgreementId, ServiceAgreementId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Row for agreement '{row.ServiceAgreementId}' applied to the history of '{ServiceAgreementId}'.",
                nameof(row));
        }

        var incoming = RateVersion.From(row);
        if (!versions.TryGetValue(row.EffectiveUtc, out var existing))
        {
            versions.Add(incoming.EffectiveUtc, incoming);
            return new RateChange(RateChangeKind.Inserted, incoming, null);
        }

        if (incoming.Sequence < existing.Sequence)
        {
            return new RateChange(RateChangeKind.Superseded, existing, incoming);
        }

        if (incoming == existing)
        {
            return new RateChange(RateChangeKind.Unchanged, existing, null);
        }

        versions[incoming.EffectiveUtc] = incoming;
        return new RateChange(RateChangeKind.Corrected, incoming, existing);
    }

    public IEnumerable<RatePeriod> Periods()
    {
        for (var i = 0; i < versions.Count; i++)
        {
            DateTime? end = i + 1 < versions.Count ? EndBefore(versions.Values[i + 1].EffectiveUtc) : null;
            yield return new RatePeriod(ServiceAgreementId, versions.Values[i], end);
        }
    }

    /// <summary>A version ends one second before the next version becomes effective.</summary>
    public static DateTime EndBefore(DateTime nextEffectiveUtc) => nextEffectiveUtc.AddSeconds(-1);
}
