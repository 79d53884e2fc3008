namespace OpowerStream.Contracts;

/// <summary>The kinds of file event, in the order of the file-event.avsc enum's symbols.</summary>
public enum FileEventKind
{
    FileStarted,
    FileCompleted,
    FileRefused,
}

/// <summary>
/// What the extractor did with one inbound file (file-event.avsc): started, completed (every row
/// acknowledged, with the counts and hash) or refused (with the reason).
/// </summary>
public sealed record FileEvent(
    FileEventKind Kind,
    string FileName,
    string? Entity,
    long? FileTimestamp,
    long SizeBytes,
    string Sha256,
    long? RowsRead,
    long? RowsPublished,
    string? Reason,
    string? Detail,
    DateTimeOffset OccurredAt);
