namespace OpowerStream.Domain;

/// <summary>
/// Spec section 5: (file timestamp, file name, content generation, line) orders every event. A materialized row
/// keeps the sequence that last wrote it and accepts an event only when the event's sequence is greater or equal,
/// so redelivery, replay and re-sent old files can never roll state back. The content generation orders two
/// contents sent under one file name by their arrival: all of a newer content wins over all of an older one,
/// whatever lines its rows stand on.
/// </summary>
public readonly record struct SourceSequence(long FileTimestamp, string SourceFile, long Line, int ContentGeneration = Lineage.FirstContentGeneration)
    : IComparable<SourceSequence>
{
    public int CompareTo(SourceSequence other)
    {
        var byTimestamp = FileTimestamp.CompareTo(other.FileTimestamp);
        if (byTimestamp != 0)
        {
            return byTimestamp;
        }

        var byFile = string.CompareOrdinal(SourceFile, other.SourceFile);
        if (byFile != 0)
        {
            return byFile;
        }

        var byGeneration = ContentGeneration.CompareTo(other.ContentGeneration);
        return byGeneration != 0 ? byGeneration : Line.CompareTo(other.Line);
    }

    public static bool operator <(SourceSequence left, SourceSequence right) => left.CompareTo(right) < 0;

    public static bool operator >(SourceSequence left, SourceSequence right) => left.CompareTo(right) > 0;

    public static bool operator <=(SourceSequence left, SourceSequence right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SourceSequence left, SourceSequence right) => left.CompareTo(right) >= 0;
}
