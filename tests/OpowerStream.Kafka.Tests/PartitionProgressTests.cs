
namespace OpowerStream.Kafka.Tests;

public sealed class PartitionProgressTests
{
    [Fact]
    public void A_partition_nobody_read_counts_every_acknowledged_record_as_lag()
    {
        var progress = new PartitionProgress();
        progress.For("t.intervals").Acknowledged(2, 999);

        Assert.Equal(new LocalPartitionLag("t.intervals", 2, 1000), progress.WorstLag(["t.intervals"]));
    }

    [Fact]
    public void The_lag_is_the_end_minus_the_consumers_position_and_the_worst_partition_of_any_topic_wins()
    {
        var progress = new PartitionProgress();
        progress.For("t.intervals").Acknowledged(0, 499);
        progress.For("t.intervals").Consumed(0, 450, 500);
        progress.For("t.rates").Acknowledged(1, 99);
        progress.For("t.rates").Consumed(1, 20, 90);

        Assert.Equal(new LocalPartitionLag("t.rates", 1, 80), progress.WorstLag(["t.intervals", "t.rates"]));
        Assert.Equal(new LocalPartitionLag("t.intervals", 0, 50), progress.WorstLag(["t.intervals"]));
    }

    [Fact]
    public void The_end_never_moves_back_whichever_report_arrives_last()
    {
        var topic = new PartitionProgress().For("t.intervals");
        topic.Acknowledged(0, 999);
        topic.Consumed(0, 100, 400);   // the consumer's high watermark from an older fetch
        topic.Acknowledged(0, 10);     // a delivery report of an early record, served late

        Assert.Equal(900, topic.WorstLag()!.Lag);

        topic.Consumed(0, 1000, 1500); // another producer's records: the consumer's fetch saw further
        Assert.Equal(500, topic.WorstLag()!.Lag);
    }

    [Fact]
    public void Concurrent_acknowledgements_keep_the_highest_offset()
    {
        var topic = new PartitionProgress().For("t.intervals");

        Parallel.For(0, 100_000, offset => topic.Acknowledged(offset % 3, offset));

        Assert.Equal(100_000, topic.WorstLag()!.Lag);
    }

    [Fact]
    public void Topics_with_nothing_produced_or_consumed_have_no_lag()
    {
        Assert.Null(new PartitionProgress().WorstLag(["t.intervals", "t.rates"]));
    }
}
