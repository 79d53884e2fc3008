namespace OpowerStream.Kafka;

/// <summary>A group's position in one partition and the partition's retained log [low, high).</summary>
public sealed record PartitionPosition(int Partition, long CommittedOffset, long LowWatermark, long HighWatermark)
{
    /// <summary>Where the group resumes: its committed offset, or the log's start when it has none (see KafkaClientConfigs.StartPositions).</summary>
    public long ResumeOffset => CommittedOffset == ConsumerLag.NoCommittedOffset ? LowWatermark : CommittedOffset;
}

/// <summary>One partition's move; <see cref="CurrentOffset"/> is -1 when the group has committed nothing there.</summary>
public sealed record PartitionReplay(int Partition, long CurrentOffset, long NewOffset, long LowWatermark, long HighWatermark)
{
    public bool Changes => NewOffset != CurrentOffset;
}

/// <summary>What a replay commits for a group on one topic, partition by partition.</summary>
public sealed record ReplayPlan(string GroupId, string Topic, IReadOnlyList<PartitionReplay> Partitions)
{
    /// <summary>The plan as operators read it: one <c>partition: current -> new</c> line each.</summary>
    public IEnumerable<string> Describe()
    {
        yield return $"Replay plan for group {GroupId} on topic {Topic}:";
        foreach (var p in Partitions)
        {
            var current = p.CurrentOffset == ConsumerLag.NoCommittedOffset ? "none" : Invariant(p.CurrentOffset);
            yield return $"  {Invariant(p.Partition)}: {current} -> {Invariant(p.NewOffset)}  (log {Invariant(p.LowWatermark)}..{Invariant(p.HighWatermark)}){(p.Changes ? string.Empty : " unchanged")}";
        }
    }

    /// <summary>
    /// The plan as <c>kafka-consumer-groups --reset-offsets --export</c> writes one, <c>topic,partition,new-offset</c>
    /// per partition without a header, so either tool can carry out a plan the other made.
    /// </summary>
    public void WriteCsv(TextWriter csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        foreach (var p in Partitions)
        {
            csv.WriteLine($"{Topic},{Invariant(p.Partition)},{Invariant(p.NewOffset)}");
        }
    }

    private static string Invariant(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Turns a <see cref="ReplayTarget"/> into new offsets. Offsets are clamped to the retained log [low, high]:
/// below low the records are gone (the consumers would fail on an out-of-range offset), above high is the future.
/// </summary>
public static class ReplayPlanner
{
    public static ReplayPlan Plan(string groupId, string topic, IReadOnlyList<PartitionPosition> positions, ReplayTarget target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentNullException.ThrowIfNull(target);

        if (target is ReplayToOffsets offsets)
        {
            var unknown = offsets.ByPartition.Keys.Where(partition => positions.All(p => p.Partition != partition)).Order().ToList();
            if (unknown.Count > 0)
            {
                throw new ArgumentException(
                    $"Topic {topic} has no partition {string.Join(", ", unknown)} (it has {string.Join(", ", positions.Select(p => p.Partition))}).",
                    nameof(target));
            }
        }

        var partitions = positions
            .OrderBy(p => p.Partition)
            .Select(p => new PartitionReplay(p.Partition, p.CommittedOffset, NewOffset(p, target), p.LowWatermark, p.HighWatermark))
            .ToList();
        return new ReplayPlan(groupId, topic, partitions);
    }

    private static long NewOffset(PartitionPosition position, ReplayTarget target) => target switch
    {
        ReplayToEarliest => position.LowWatermark,
        ReplayToLatest => position.HighWatermark,
        ReplayToOffset everywhere => Clamp(position, everywhere.Offset),
        ReplayToOffsets offsets => offsets.ByPartition.TryGetValue(position.Partition, out var offset)
            ? Clamp(position, offset)
            : position.CommittedOffset,
        // Int128: a huge shift saturates at the log's ends instead of overflowing.
        ReplayShiftBy shift => (long)Int128.Clamp((Int128)position.ResumeOffset + shift.Records, position.LowWatermark, position.HighWatermark),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown replay target."),
    };

    private static long Clamp(PartitionPosition position, long offset) =>
        Math.Clamp(offset, position.LowWatermark, position.HighWatermark);
}
