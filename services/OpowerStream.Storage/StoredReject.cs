namespace OpowerStream.Storage;

/// <summary>Which rejects of one entity to read; null filters match everything.</summary>
public sealed record RejectQuery(string Entity, string? Rule = null, string? SourceFile = null)
{
    /// <summary>Also rejects a redrive re-published already (they failed again, or their consumer has not run yet).</summary>
    public bool IncludeRedriven { get; init; }

    /// <summary>Also rejects whose row was applied after a redrive.</summary>
    public bool IncludeResolved { get; init; }
}

/// <summary>
/// A reject with its redrive state: <see cref="RedrivenAt"/> when a redrive last re-published it,
/// <see cref="ResolvedAt"/> when the re-published row then passed and was applied (it no longer counts as rejected).
/// </summary>
public sealed record StoredReject(RejectRecord Reject, DateTime? RedrivenAt, DateTime? ResolvedAt);
