namespace OpowerStream.Storage.Batching;

/// <summary>
/// The batch's consumed events of one (file, partition), distinct by line and in line order. The
/// store keeps, per (file, partition), the highest line it counted; only events above it count.
/// </summary>
internal sealed record FileProgress(string SourceFile, int Partition, IReadOnlyList<ProcessedRow> Rows)
{
    /// <summary>Groups a batch's events, ordered by file then partition so that locks are always taken in one order.</summary>
    public static IReadOnlyList<FileProgress> Group(IReadOnlyList<ProcessedRow> processed) =>
        processed
            .GroupBy(row => (row.SourceFile, row.Partition))
            .OrderBy(group => group.Key.SourceFile, StringComparer.Ordinal)
            .ThenBy(group => group.Key.Partition)
            .Select(group => new FileProgress(
                group.Key.SourceFile,
                group.Key.Partition,
                group.DistinctBy(row => row.Line).OrderBy(row => row.Line).ToList()))
            .ToList();

    public ProgressIncrement CountAbove(long highestCountedLine)
    {
        long valid = 0, rejected = 0, highest = highestCountedLine;
        foreach (var row in Rows.Where(row => row.Line > highestCountedLine))
        {
            if (row.Rejected)
            {
                rejected++;
            }
            else
            {
                valid++;
            }

            highest = row.Line;
        }

        return new ProgressIncrement(highest, valid, rejected);
    }
}

/// <summary>What a batch adds to a (file, partition)'s counters, and its new highest counted line.</summary>
internal readonly record struct ProgressIncrement(long HighestLine, long Valid, long Rejected);
