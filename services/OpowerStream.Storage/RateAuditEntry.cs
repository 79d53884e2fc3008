using OpowerStream.Domain;

namespace OpowerStream.Storage;

/// <summary>
/// A rate value that lost to another row for the same agreement and effective date. Unique per
/// (agreement, effective, sequence), so the trail is the same whatever order the rows arrived in.
/// </summary>
public sealed record RateAuditEntry(string ServiceAgreementId, DateTime EffectiveUtc, string RateCode, SourceSequence Sequence);
