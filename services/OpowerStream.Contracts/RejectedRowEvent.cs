using OpowerStream.Domain;

namespace OpowerStream.Contracts;

/// <summary>
/// A dead-letter event: a row that failed a rule or could not be decoded, with the original
/// single-object-encoded event so an operator can re-publish it once the cause is fixed.
/// </summary>
public sealed record RejectedRowEvent(
    Entity Entity,
    Lineage Lineage,
    string Rule,
    string? Field,
    string Message,
    string RawRow,
    byte[] OriginalEvent);
