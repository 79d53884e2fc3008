using System.Collections.Concurrent;

namespace OpowerStream.Kafka;

/// <summary>A partition's lag as this process sees it: records on the broker its consumer has not read yet.</summary>
public sealed record LocalPartitionLag(string Topic, int Partition, long Lag);

/// <summary>
/// What this process knows of its topics' partitions without asking the broker: the end of each partition
/// (past the last record its producer saw acknowledged, or the high watermark its consumer last fetched)
/// and how far its own consumer has read. Where the extractor and the consumers share a process
/// (<c>run</c>), the difference is the consumers' lag as of now, at the cost of a few memory reads.
/// </summary>
public sealed class PartitionProgress
{
    private readonly ConcurrentDictionary<string, TopicProgress> topics = new(StringComparer.Ordinal);

    public TopicProgress For(string topic) => topics.GetOrAdd(topic, static name => new TopicProgress(name));

    /// <summary>The partition of <paramref name="topicNames"/> furthest behind; null when nothing was produced or consumed there.</summary>
    public LocalPartitionLag? WorstLag(IEnumerable<string> topicNames)
    {
        ArgumentNullException.ThrowIfNull(topicNames);
        return topicNames.Select(For).Select(topic => topic.WorstLag()).OfType<LocalPartitionLag>().MaxBy(lag => lag.Lag);
    }
}

/// <summary>One topic's partitions in <see cref="PartitionProgress"/>; updated from delivery reports and consumer polls.</summary>
public sealed class TopicProgress
{
    private readonly ConcurrentDictionary<int, PartitionCell> partitions = new();

    internal TopicProgress(string topic) => Topic = topic;

    public string Topic { get; }

    /// <summary>A record at <paramref name="offset"/> was acknowledged: the partition reaches at least past it.</summary>
    public void Acknowledged(int partition, long offset) => Cell(partition).RaiseEnd(offset + 1);

    /// <summary>This process's consumer reads <paramref name="partition"/> at <paramref name="position"/>; the broker's end was <paramref name="highWatermark"/> at its last fetch.</summary>
    public void Consumed(int partition, long position, long highWatermark)
    {
        var cell = Cell(partition);
        cell.RaiseEnd(highWatermark);
        Volatile.Write(ref cell.Position, position);
    }

    /// <summary>A partition no consumer has read counts from offset 0: every record it holds is lag.</summary>
    public LocalPartitionLag? WorstLag() =>
        partitions.Select(p => new LocalPartitionLag(Topic, p.Key, Math.Max(0, Volatile.Read(ref p.Value.End) - Volatile.Read(ref p.Value.Position))))
            .MaxBy(lag => lag.Lag);

    private PartitionCell Cell(int partition) => partitions.GetOrAdd(partition, static _ => new PartitionCell());

    private sealed class PartitionCell
    {
        public long End;
        public long Position;

        public void RaiseEnd(long end)
        {
            var seen = Volatile.Read(ref End);
            while (end > seen)
            {
                var previous = Interlocked.CompareExchange(ref End, end, seen);
                if (previous == seen)
                {
                    return;
                }

                seen = previous;
            }
        }
    }
}
