namespace OpowerStream.Domain;

/// <summary>
/// Spec section 5: (file timestamp, file name, line) orders every event. A materialized row keeps
/// the sequence that last wrote it and accepts an event only when the event's sequence is greater
/// or equal, so redelivery, replay and re-sent old files can never roll state back.
/// </summary>
public readonly record struct SourceSequence(long FileTimestamp, string SourceFile, long Line)
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
        return byFile != 0 ? byFile : Line.CompareTo(other.Line);
    }

    public static bool operator <(SourceSequence left, SourceSequence right) => left.CompareTo(right) < 0;

    public static bool operator >(SourceSequence left, SourceSequence right) => left.CompareTo(right) > 0;

    public static bool operator <=(SourceSequence left, SourceSequence right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SourceSequence left, SourceSequence right) => left.CompareTo(right) >= 0;
}
