namespace OpowerStream.Storage;

public enum FileStatus
{
    Processing,
    Published,
    Refused,
}

/// <summary>
/// The extractor's record of one inbound file. <see cref="RowsPublished"/> is the number of row events
/// Kafka acknowledged (equal to <see cref="FileLedgerEntry.RowsRead"/> once the file is published).
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
    /// <summary>Rows read = rows applied or superseded + rows rejected; a refused file reconciles as a whole.</summary>
    public bool Reconciles =>
        Status == FileStatus.Refused
        || (Status == FileStatus.Published && RowsRead == RowsApplied + RowsRejected);
}
