using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace OpowerStream.Kafka;

/// <summary>A replay was refused because consumers of the group are running; they would overwrite the new offsets.</summary>
public sealed class ConsumerGroupActiveException(string groupId, IReadOnlyList<string> members)
    : InvalidOperationException($"Consumer group {groupId} has active members ({string.Join(", ", members)}); stop its consumers before replaying.")
{
    public IReadOnlyList<string> Members { get; } = members;
}

/// <summary>
/// Reads one consumer group's committed offsets without joining the group, and moves them, through the Admin API:
/// ListConsumerGroupOffsets, DescribeConsumerGroups (live members) and AlterConsumerGroupOffsets. librdkafka's mock
/// cluster (the embedded broker) cannot describe groups and refuses a member-less offset change once it knows the
/// group (UNKNOWN_MEMBER_ID, still so in 2.16); there <see cref="Execute"/> joins the group as its sole member (with
/// the consumers' assignor), waits for every partition, commits and leaves. Joining a group that has live members
/// must never happen: the caller first makes sure the group is idle, from the members the consumers record in the
/// store, and <see cref="Execute"/> also asks Kafka where it can answer.
/// </summary>
public sealed class ConsumerGroupReplay : IDisposable
{
    private readonly IConsumer<Ignore, Ignore> consumer;
    private readonly IAdminClient admin;
    // The mock cluster's first join of a group alone takes about 3 s; a real group waits for its members to rejoin.
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);
    private readonly ConsumerConfig memberConfig;
    private readonly TimeSpan timeout;

    public ConsumerGroupReplay(string bootstrapServers, string groupId, IReadOnlyDictionary<string, string>? clientConfig, TimeSpan timeout)
    {
        var config = KafkaClientConfigs.GroupReader(bootstrapServers, groupId, clientConfig);
        config.EnableAutoOffsetStore = false;
        GroupId = groupId;
        this.timeout = timeout;
        // The same assignor as the product's consumers (KafkaClientConfigs.Consumer, where Kafka:Consumer may
        // override it), so the probe joins their group instead of being refused or mixing protocols.
        memberConfig = new ConsumerConfig(new Dictionary<string, string>(config));
        KafkaClientConfigs.UseProductAssignor(memberConfig);
        consumer = new ConsumerBuilder<Ignore, Ignore>(config).Build();
        admin = new DependentAdminClientBuilder(consumer.Handle).Build();
    }

    public string GroupId { get; }

    /// <summary>The group's committed offset and the log's watermarks in every partition of the topic.</summary>
    public IReadOnlyList<PartitionPosition> ReadPositions(string topic)
    {
        var partitions = Partitions(topic);
        var listed = admin.ListConsumerGroupOffsetsAsync(
                [new ConsumerGroupTopicPartitions(GroupId, partitions)], new ListConsumerGroupOffsetsOptions { RequestTimeout = timeout })
            .GetAwaiter().GetResult();
        return listed.Single().Partitions
            .Select(committed =>
            {
                var watermarks = consumer.QueryWatermarkOffsets(committed.TopicPartition, timeout);
                return new PartitionPosition(
                    committed.Partition.Value,
                    committed.Offset == Offset.Unset ? ConsumerLag.NoCommittedOffset : committed.Offset.Value,
                    watermarks.Low.Value,
                    watermarks.High.Value);
            })
            .OrderBy(p => p.Partition)
            .ToList();
    }

    /// <summary>
    /// The first offset at or after <paramref name="time"/> in each partition, through the broker's timestamp
    /// index; a partition with no such record maps to its end. Needs real Kafka: librdkafka's mock cluster has no
    /// timestamp index and answers "none" (the end) everywhere, which would silently skip every record; that answer
    /// is checked against the partition's last record, and refused when that record is from <paramref name="time"/> or later.
    /// </summary>
    public ReplayToOffsets OffsetsAt(string topic, DateTimeOffset time)
    {
        var timestamp = new Timestamp(time.UtcDateTime, TimestampType.CreateTime);
        var found = consumer.OffsetsForTimes(Partitions(topic).Select(tp => new TopicPartitionTimestamp(tp, timestamp)), timeout);
        var offsets = new Dictionary<int, long>();
        foreach (var tpo in found)
        {
            if (tpo.Offset.Value >= 0)
            {
                offsets[tpo.Partition.Value] = tpo.Offset.Value;
                continue;
            }

            var watermarks = consumer.QueryWatermarkOffsets(tpo.TopicPartition, timeout);
            if (LastRecordTime(tpo.TopicPartition, watermarks) is { } last && last >= time.UtcDateTime)
            {
                throw new InvalidOperationException(
                    $"The brokers found no record at or after {time:O} in {tpo.TopicPartition}, whose last record is from {last:O}: "
                    + "they have no timestamp index (librdkafka's mock cluster, the embedded broker, has none). Replay by time needs real Kafka; use --to-offset or --shift-by here.");
            }

            offsets[tpo.Partition.Value] = watermarks.High.Value;
        }

        return new ReplayToOffsets(offsets);
    }

    /// <summary>The timestamp of the partition's last record, or null when it is empty or that record cannot be read (a transaction marker).</summary>
    private DateTime? LastRecordTime(TopicPartition partition, WatermarkOffsets watermarks)
    {
        if (watermarks.High.Value <= watermarks.Low.Value)
        {
            return null;
        }

        consumer.Assign(new TopicPartitionOffset(partition, watermarks.High.Value - 1));
        try
        {
            return consumer.Consume(TimeSpan.FromSeconds(5))?.Message?.Timestamp.UtcDateTime;
        }
        finally
        {
            consumer.Unassign();
        }
    }

    /// <summary>
    /// The client ids and hosts of the group's members (empty when no consumer of the group runs), or null when
    /// the broker cannot list them (librdkafka's mock cluster has no DescribeGroups).
    /// </summary>
    public IReadOnlyList<string>? ActiveMembers()
    {
        try
        {
            var described = admin.DescribeConsumerGroupsAsync([GroupId], new DescribeConsumerGroupsOptions { RequestTimeout = timeout })
                .GetAwaiter().GetResult();
            return described.ConsumerGroupDescriptions.SelectMany(group => group.Members).Select(m => $"{m.ClientId}@{m.Host}").ToList();
        }
        catch (DescribeConsumerGroupsException e)
            when (e.Results.ConsumerGroupDescriptions.All(group => group.Error.Code == ErrorCode.Local_UnsupportedFeature))
        {
            return null;
        }
    }

    public ReplayPlan Plan(string topic, ReplayTarget target) => ReplayPlanner.Plan(GroupId, topic, ReadPositions(topic), target);

    /// <summary>
    /// Commits the plan's changed offsets, refusing while Kafka lists members of the group: through the Admin API,
    /// or, where the broker refuses a member-less change (the mock cluster), as the group's sole member. A member
    /// that is not given every partition shares the group with consumers nobody recorded; that is refused too.
    /// </summary>
    public void Execute(ReplayPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!string.Equals(plan.GroupId, GroupId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The plan is for group {plan.GroupId}, not {GroupId}.", nameof(plan));
        }

        var members = ActiveMembers();
        if (members is { Count: > 0 })
        {
            throw new ConsumerGroupActiveException(GroupId, members);
        }

        var offsets = plan.Partitions
            .Where(p => p.Changes)
            .Select(p => new TopicPartitionOffset(plan.Topic, p.Partition, p.NewOffset))
            .ToList();
        if (offsets.Count > 0 && !TryAlterOffsets(offsets))
        {
            CommitAsSoleMember(plan, offsets);
        }
    }

    /// <summary>False when the broker refuses a member-less offset change of a group it knows (the mock cluster).</summary>
    private bool TryAlterOffsets(List<TopicPartitionOffset> offsets)
    {
        try
        {
            admin.AlterConsumerGroupOffsetsAsync(
                    [new ConsumerGroupTopicPartitionOffsets(GroupId, offsets)], new AlterConsumerGroupOffsetsOptions { RequestTimeout = timeout })
                .GetAwaiter().GetResult();
            return true;
        }
        catch (AlterConsumerGroupOffsetsException e)
            when (e.Results.SelectMany(group => group.Partitions).Any(p => p.Error.Code == ErrorCode.UnknownMemberId))
        {
            return false;
        }
    }

    public void Dispose()
    {
        admin.Dispose();
        consumer.Close();
        consumer.Dispose();
    }

    private void CommitAsSoleMember(ReplayPlan plan, List<TopicPartitionOffset> offsets)
    {
        var assigned = new HashSet<int>();
        var newOffsets = offsets.ToDictionary(o => o.Partition.Value, o => o.Offset);
        using var member = new ConsumerBuilder<Ignore, Ignore>(memberConfig)
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                assigned.UnionWith(partitions.Select(p => p.Partition.Value));
                // Position the member at the new offsets so it never reads from (or commits) the old ones.
                return partitions.Select(p => new TopicPartitionOffset(p, newOffsets.GetValueOrDefault(p.Partition.Value, Offset.Unset)));
            })
            .SetPartitionsRevokedHandler((_, partitions) => assigned.ExceptWith(partitions.Select(p => p.Partition.Value)))
            .Build();
        member.Subscribe(plan.Topic);
        try
        {
            var deadline = DateTime.UtcNow + JoinTimeout;
            while (assigned.Count == 0 && DateTime.UtcNow < deadline)
            {
                member.Consume(TimeSpan.FromMilliseconds(100));
            }

            if (assigned.Count < plan.Partitions.Count)
            {
                throw new ConsumerGroupActiveException(
                    GroupId, [$"other member(s) hold {plan.Partitions.Count - assigned.Count} of {plan.Partitions.Count} partitions"]);
            }

            member.Commit(offsets);
        }
        finally
        {
            member.Close();
        }
    }

    private List<TopicPartition> Partitions(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var metadata = admin.GetMetadata(topic, timeout).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.Code != ErrorCode.NoError || metadata.Partitions.Count == 0)
        {
            throw new InvalidOperationException($"Topic {topic} is unknown to the brokers ({metadata?.Error.Reason ?? "no metadata"}).");
        }

        return metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).OrderBy(tp => tp.Partition.Value).ToList();
    }
}
