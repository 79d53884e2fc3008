using OpowerStream.Domain;
using OpowerStream.Domain.Rates;

namespace OpowerStream.Storage.Batching;

/// <summary>A stored rate version with the agreement it belongs to.</summary>
internal sealed record AgreementRateVersion(string ServiceAgreementId, RateVersion Version);

/// <summary>
/// What a batch of rate rows changes, computed with <see cref="RateHistory"/> from the agreements'
/// stored versions: the versions to upsert (inserted or corrected, final state only) and the
/// displaced values for the audit trail.
/// </summary>
internal sealed record RateBatchPlan(IReadOnlyList<AgreementRateVersion> Changed, IReadOnlyList<RateAuditEntry> Displaced)
{
    public static RateBatchPlan Build(IReadOnlyList<RateRow> rows, IEnumerable<AgreementRateVersion> stored)
    {
        var histories = stored
            .GroupBy(version => version.ServiceAgreementId, StringComparer.Ordinal)
            .ToDictionary(
                group => group.Key,
                group => new RateHistory(group.Key, group.Select(version => version.Version)),
                StringComparer.Ordinal);
        var changedDates = new HashSet<(string Agreement, DateTime Effective)>();
        var displaced = new List<RateAuditEntry>();

        foreach (var row in rows)
        {
            if (!histories.TryGetValue(row.ServiceAgreementId, out var history))
            {
                history = new RateHistory(row.ServiceAgreementId, []);
                histories.Add(row.ServiceAgreementId, history);
            }

            var change = history.Apply(row);
            if (change.Kind is RateChangeKind.Inserted or RateChangeKind.Corrected)
            {
                changedDates.Add((row.ServiceAgreementId, row.EffectiveUtc));
            }

            if (change.Displaced is { } lost)
            {
                displaced.Add(new RateAuditEntry(row.ServiceAgreementId, lost.EffectiveUtc, lost.RateCode, lost.Sequence));
            }
        }

        var changed = changedDates
            .Select(date => new AgreementRateVersion(
                date.Agreement,
                histories[date.Agreement].Versions.Single(version => version.EffectiveUtc == date.Effective)))
            .ToList();
        return new RateBatchPlan(changed, displaced);
    }
}
