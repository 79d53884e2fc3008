namespace OpowerStream.Storage;

public enum FileStatus
{
    Processing,
    Published,
    Refused,
}

/// <summary>
/// The extractor's record of one inbound file name. <see cref="RowsPublished"/> is the number of row events
/// Kafka acknowledged (equal to <see cref="FileLedgerEntry.RowsRead"/> once the file is published).
/// <see cref="ContentGeneration"/> counts the different contents published under the name (its rows carry it, so
/// the newest content wins); <see cref="Resends"/> counts true re-sends (same name, same content) that were skipped;
/// <see cref="SameContentAs"/> names an earlier file whose content this one repeats (information only).
/// </summary>
public sealed record FileLedgerEntry(
    string FileName,
    string? Entity,
    long SizeBytes,
    string Sha256,
    FileStatus Status,
    long RowsRead,
    string? RefusalReason,
    string? RefusalMessage,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt)
{
    public long RowsPublished { get; init; }

    public int ContentGeneration { get; init; } = Domain.Lineage.FirstContentGeneration;

    public int Resends { get; init; }

    public string? SameContentAs { get; init; }
}

/// <summary>A ledger entry with what the consumers did with its rows (spec section 6).</summary>
public sealed record FileReconciliation(
    string FileName,
    string? Entity,
    FileStatus Status,
    long RowsRead,
    long RowsApplied,
    long RowsRejected,
    string? RefusalReason,
    string? RefusalMessage)
{
    public int Resends { get; init; }

    public string? SameContentAs { get; init; }

    /// <summary>Rows read = rows applied or superseded + rows rejected; a refused file reconciles as a whole.</summary>
    public bool Reconciles =>
        Status == FileStatus.Refused
        || (Status == FileStatus.Published && RowsRead == RowsApplied + RowsRejected);
}
