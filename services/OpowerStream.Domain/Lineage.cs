namespace OpowerStream.Domain;

/// <summary>
/// Where an event came from: the inbound file, the timestamp in its name (yyyyMMddHHmmss digits as
/// a number, used only for ordering), the 1-based line number (the header is line 1) and the content
/// generation: which content published under this file name the row came from (1 for the first,
/// +1 for each later different content under the same name), so two contents of one name can be ordered.
/// </summary>
public readonly record struct Lineage(string SourceFile, long FileTimestamp, long Line, int ContentGeneration = Lineage.FirstContentGeneration)
{
    /// <summary>The generation of the first content published under a file name (and of every event from before generations existed).</summary>
    public const int FirstContentGeneration = 1;

    public SourceSequence Sequence => new(FileTimestamp, SourceFile, Line);
}
