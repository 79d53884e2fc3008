namespace OpowerStream.Kafka.Tests;

public sealed class ReplayPlannerTests
{
    // Partition 0 consumed to its end, 1 halfway through a log trimmed to start at 100, 2 never committed.
    private static readonly PartitionPosition[] Positions =
    [
        new(0, CommittedOffset: 50, LowWatermark: 0, HighWatermark: 50),
        new(1, CommittedOffset: 150, LowWatermark: 100, HighWatermark: 200),
        new(2, CommittedOffset: ConsumerLag.NoCommittedOffset, LowWatermark: 10, HighWatermark: 30),
    ];

    [Fact]
    public void To_earliest_moves_every_partition_to_its_oldest_retained_record()
    {
        var plan = ReplayPlanner.Plan("g", "t", Positions, new ReplayToEarliest());

        Assert.Equal([(0, 50L, 0L), (1, 150L, 100L), (2, -1L, 10L)], Moves(plan));
        Assert.All(plan.Partitions, p => Assert.True(p.Changes));
    }

    [Fact]
    public void To_offsets_clamps_into_the_retained_log_and_leaves_unlisted_partitions_alone()
    {
        var target = new ReplayToOffsets(new Dictionary<int, long> { [0] = 20, [1] = 5, [2] = 999 });
        Assert.Equal([(0, 50L, 20L), (1, 150L, 100L), (2, -1L, 30L)], Moves(ReplayPlanner.Plan("g", "t", Positions, target)));

        var onlyFirst = ReplayPlanner.Plan("g", "t", Positions, new ReplayToOffsets(new Dictionary<int, long> { [0] = 7 }));
        Assert.Equal([(0, 50L, 7L), (1, 150L, 150L), (2, -1L, -1L)], Moves(onlyFirst));
        Assert.Equal([true, false, false], onlyFirst.Partitions.Select(p => p.Changes));
    }

    [Fact]
    public void To_offsets_naming_a_partition_the_topic_lacks_is_refused()
    {
        var target = new ReplayToOffsets(new Dictionary<int, long> { [0] = 1, [7] = 1 });

        var error = Assert.Throws<ArgumentException>(() => ReplayPlanner.Plan("g", "t", Positions, target));

        Assert.Contains("no partition 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shift_by_moves_from_where_the_group_resumes_and_stops_at_the_log_ends()
    {
        Assert.Equal(
            [(0, 50L, 30L), (1, 150L, 130L), (2, -1L, 10L)],
            Moves(ReplayPlanner.Plan("g", "t", Positions, new ReplayShiftBy(-20))));
        Assert.Equal(
            [(0, 50L, 50L), (1, 150L, 170L), (2, -1L, 30L)],
            Moves(ReplayPlanner.Plan("g", "t", Positions, new ReplayShiftBy(20))));
        Assert.Equal(
            [(0, 50L, 0L), (1, 150L, 100L), (2, -1L, 10L)],
            Moves(ReplayPlanner.Plan("g", "t", Positions, new ReplayShiftBy(long.MinValue))));
        Assert.Equal(
            [(0, 50L, 50L), (1, 150L, 200L), (2, -1L, 30L)],
            Moves(ReplayPlanner.Plan("g", "t", Positions, new ReplayShiftBy(long.MaxValue))));
    }

    [Fact]
    public void The_plan_reads_partition_current_and_new_offset_per_line()
    {
        var plan = ReplayPlanner.Plan("opowerstream-rates", "opower.rates", Positions, new ReplayShiftBy(-20));

        Assert.Equal(
            [
                "Replay plan for group opowerstream-rates on topic opower.rates:",
                "  0: 50 -> 30  (log 0..50)",
                "  1: 150 -> 130  (log 100..200)",
                "  2: none -> 10  (log 10..30)",
            ],
            plan.Describe());
    }

    [Fact]
    public void Partition_offset_lists_parse_and_malformed_ones_are_refused()
    {
        Assert.Equal(
            new Dictionary<int, long> { [0] = 120, [2] = 0 },
            ReplayToOffsets.Parse("0:120, 2:0").ByPartition);

        foreach (var bad in new[] { "0", "0:", "a:1", "0:-1", "0:1,0:2", "1:2:3", " , " })
        {
            Assert.Throws<FormatException>(() => ReplayToOffsets.Parse(bad));
        }
    }

    [Fact]
    public void To_latest_moves_every_partition_to_its_end()
    {
        var plan = ReplayPlanner.Plan("g", "t", Positions, new ReplayToLatest());

        Assert.Equal([(0, 50L, 50L), (1, 150L, 200L), (2, -1L, 30L)], Moves(plan));
        Assert.Equal([false, true, true], plan.Partitions.Select(p => p.Changes));
    }

    [Fact]
    public void One_offset_for_every_partition_is_clamped_into_each_retained_log()
    {
        Assert.Equal([(0, 50L, 20L), (1, 150L, 100L), (2, -1L, 20L)], Moves(ReplayPlanner.Plan("g", "t", Positions, new ReplayToOffset(20))));
    }

    [Fact]
    public void To_offset_parses_one_offset_for_every_partition_or_a_partition_list()
    {
        Assert.Equal(new ReplayToOffset(120), ReplayTarget.ParseOffsets(" 120 "));
        Assert.Equal(new Dictionary<int, long> { [1] = 5 }, Assert.IsType<ReplayToOffsets>(ReplayTarget.ParseOffsets("1:5")).ByPartition);
        Assert.Throws<FormatException>(() => ReplayTarget.ParseOffsets("-1"));
    }

    [Fact]
    public void An_exported_plan_reads_back_as_the_same_offsets_in_the_format_of_kafka_consumer_groups()
    {
        var plan = ReplayPlanner.Plan("g", "opower.rates", Positions, new ReplayShiftBy(-20));
        using var csv = new StringWriter();

        plan.WriteCsv(csv);

        Assert.Equal("opower.rates,0,30\nopower.rates,1,130\nopower.rates,2,10\n", csv.ToString().ReplaceLineEndings("\n"));
        var read = ReplayToOffsets.ReadCsv(new StringReader(csv.ToString() + "\n"), "opower.rates");
        Assert.Equal(Moves(plan), Moves(ReplayPlanner.Plan("g", "opower.rates", Positions, read)));
    }

    [Theory]
    [InlineData("opower.intervals,0,1", "Line 1 plans topic opower.intervals; this replay is for opower.rates.")]
    [InlineData("opower.rates,0,1\nopower.rates,0", "Line 2 is not topic,partition,new-offset: 'opower.rates,0'.")]
    [InlineData("opower.rates,0,1\nopower.rates,0,2", "Partition 0 is listed twice.")]
    [InlineData("opower.rates,x,1", "'x:1' is not PARTITION:OFFSET with two non-negative numbers.")]
    [InlineData("\n", "The plan file has no topic,partition,new-offset line.")]
    public void A_plan_file_for_another_topic_or_malformed_is_refused_with_its_line(string csv, string message)
    {
        var error = Assert.Throws<FormatException>(() => ReplayToOffsets.ReadCsv(new StringReader(csv), "opower.rates"));

        Assert.Equal(message, error.Message);
    }

    private static (int Partition, long Current, long New)[] Moves(ReplayPlan plan) =>
        plan.Partitions.Select(p => (p.Partition, p.CurrentOffset, p.NewOffset)).ToArray();
}
