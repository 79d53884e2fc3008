using OpowerStream.Domain;

namespace OpowerStream.Kafka.Tests;

public sealed class TopicNamesTests
{
    [Fact]
    public void Each_entity_has_a_row_topic_and_a_dead_letter_topic_under_the_prefix()
    {
        var topics = new TopicNames("opower");

        Assert.Equal("opower.rates", topics.Rows(Entity.Rate));
        Assert.Equal("opower.intervals", topics.Rows(Entity.Interval));
        Assert.Equal("opower.service-quantities", topics.Rows(Entity.ServiceQuantity));
        Assert.Equal("opower.intervals.dlq", topics.DeadLetter(Entity.Interval));
        Assert.Equal("opower.files", topics.Files);
    }

    [Fact]
    public void All_lists_every_topic_once()
    {
        var topics = new TopicNames("prod");

        Assert.Equal(
            ["prod.files", "prod.intervals", "prod.intervals.dlq", "prod.rates", "prod.rates.dlq", "prod.service-quantities", "prod.service-quantities.dlq"],
            topics.All.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/prefix")]
    public void A_prefix_kafka_would_reject_is_refused_at_once(string prefix)
    {
        var error = Assert.Throws<ArgumentException>(() => new TopicNames(prefix));

        Assert.Equal("prefix", error.ParamName);
    }

    [Fact]
    public void A_prefix_that_would_make_topic_names_too_long_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new TopicNames(new string('p', 230)));

        Assert.Contains("too long", error.Message, StringComparison.Ordinal);
    }
}
