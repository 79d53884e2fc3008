namespace OpowerStream.Storage.Batching;

/// <summary>
/// The batch's consumed events of one (file, partition), distinct by line and in line order. The
/// store keeps, per (file, partition), the highest line it counted; only events above it count.
/// </summary>
internal sealed record FileProgress(string SourceFile, int Partition, IReadOnlyList<ProcessedRow> Rows)
{
    /// <summary>Groups a batch's events, ordered by file then partition so that locks are always taken in one order.</summary>
    public static IReadOnlyList<FileProgress> Group(IReadOnlyList<ProcessedRow> processed)
    {
        ArgumentNullException.ThrowIfNull(processed);
        var byFilePartition = new Dictionary<(string SourceFile, int Partition), List<ProcessedRow>>();
        foreach (var row in processed)
        {
            if (!byFilePartition.TryGetValue((row.SourceFile, row.Partition), out var rows))
            {
                rows = [];
                byFilePartition.Add((row.SourceFile, row.Partition), rows);
            }

            rows.Add(row);
        }

        var groups = new List<FileProgress>(byFilePartition.Count);
        foreach (var ((sourceFile, partition), rows) in byFilePartition)
        {
            groups.Add(new FileProgress(sourceFile, partition, DistinctInLineOrder(rows)));
        }

        groups.Sort((a, b) =>
        {
            var byFile = string.CompareOrdinal(a.SourceFile, b.SourceFile);
            return byFile != 0 ? byFile : a.Partition.CompareTo(b.Partition);
        });
        return groups;
    }

    /// <summary>The first event of each line, in line order (within a partition lines usually arrive in order already).</summary>
    private static List<ProcessedRow> DistinctInLineOrder(List<ProcessedRow> rows)
    {
        var ordered = rows;
        for (var i = 1; i < rows.Count; i++)
        {
            if (rows[i].Line < rows[i - 1].Line)
            {
                ordered = [.. rows.OrderBy(row => row.Line)]; // stable: the first event of a line stays first
                break;
            }
        }

        var distinct = new List<ProcessedRow>(ordered.Count);
        foreach (var row in ordered)
        {
            if (distinct.Count == 0 || distinct[^1].Line != row.Line)
            {
                distinct.Add(row);
            }
        }

        return distinct;
    }

    public ProgressIncrement CountAbove(long highestCountedLine)
    {
        long valid = 0, rejected = 0, highest = highestCountedLine;
        foreach (var row in Rows)
        {
            if (row.Line <= highestCountedLine)
            {
                continue;
            }

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
