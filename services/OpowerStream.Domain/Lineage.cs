namespace OpowerStream.Domain;

/// <summary>
/// Where an event came from: the inbound file, the timestamp in its name (yyyyMMddHHmmss digits as
/// a number, used only for ordering) and the 1-based line number (the header is line 1).
/// </summary>
public readonly record struct Lineage(string SourceFile, long FileTimestamp, long Line)
{
    public SourceSequence Sequence => new(FileTimestamp, SourceFile, Line);
}
