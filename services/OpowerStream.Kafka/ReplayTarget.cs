using System.Globalization;

namespace OpowerStream.Kafka;

/// <summary>Where a replay moves a consumer group's committed offsets in each partition of a topic.</summary>
public abstract record ReplayTarget;

/// <summary>Every partition back to the oldest retained record.</summary>
public sealed record ReplayToEarliest : ReplayTarget;

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
}

/// <summary>Every partition moved by <see cref="Records"/> from where the group stands (negative goes back).</summary>
public sealed record ReplayShiftBy(long Records) : ReplayTarget;
