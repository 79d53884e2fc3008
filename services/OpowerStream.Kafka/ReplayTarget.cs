using System.Globalization;

namespace OpowerStream.Kafka;

/// <summary>Where a replay moves a consumer group's committed offsets in each partition of a topic.</summary>
public abstract record ReplayTarget
{
    /// <summary>
    /// Parses the command line's <c>--to-offset</c>: one offset <c>N</c> for every partition, or <c>PARTITION:OFFSET,...</c>.
    /// </summary>
    public static ReplayTarget ParseOffsets(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? new ReplayToOffset(offset)
            : ReplayToOffsets.Parse(text);
    }
}

/// <summary>Every partition back to the oldest retained record.</summary>
public sealed record ReplayToEarliest : ReplayTarget;

/// <summary>Every partition to its end: the group skips what it has not read yet.</summary>
public sealed record ReplayToLatest : ReplayTarget;

/// <summary>Every partition to the same offset.</summary>
public sealed record ReplayToOffset(long Offset) : ReplayTarget;

/// <summary>The listed partitions to the given offsets; partitions not listed keep their offset.</summary>
public sealed record ReplayToOffsets(IReadOnlyDictionary<int, long> ByPartition) : ReplayTarget
{
    /// <summary>Parses the command line's <c>PARTITION:OFFSET,...</c>, e.g. <c>0:120,2:0</c>.</summary>
    public static ReplayToOffsets Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var byPartition = new Dictionary<int, long>();
        foreach (var pair in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split(':');
            if (parts.Length != 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                throw new FormatException($"'{pair}' is not PARTITION:OFFSET with two non-negative numbers.");
            }

            if (!byPartition.TryAdd(partition, offset))
            {
                throw new FormatException($"Partition {partition} is listed twice.");
            }
        }

        return byPartition.Count == 0
            ? throw new FormatException("No PARTITION:OFFSET pair given.")
            : new ReplayToOffsets(byPartition);
    }

    /// <summary>
    /// Reads a plan file as <c>kafka-consumer-groups --reset-offsets --export</c> writes it (and <see cref="ReplayPlan.WriteCsv"/>):
    /// <c>topic,partition,new-offset</c> lines without a header; blank lines are skipped. Every line must name <paramref name="topic"/>.
    /// </summary>
    public static ReplayToOffsets ReadCsv(TextReader csv, string topic)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var pairs = new List<string>();
        var lineNumber = 0;
        while (csv.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var cells = line.Split(',', StringSplitOptions.TrimEntries);
            if (cells.Length != 3)
            {
                throw new FormatException($"Line {lineNumber} is not topic,partition,new-offset: '{line}'.");
            }

            if (!string.Equals(cells[0], topic, StringComparison.Ordinal))
            {
                throw new FormatException($"Line {lineNumber} plans topic {cells[0]}; this replay is for {topic}.");
            }

            pairs.Add($"{cells[1]}:{cells[2]}");
        }

        return pairs.Count == 0 ? throw new FormatException("The plan file has no topic,partition,new-offset line.") : Parse(string.Join(',', pairs));
    }
}

/// <summary>Every partition moved by <see cref="Records"/> from where the group stands (negative goes back).</summary>
public sealed record ReplayShiftBy(long Records) : ReplayTarget;
