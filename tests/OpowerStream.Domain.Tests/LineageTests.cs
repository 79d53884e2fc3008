namespace OpowerStream.Domain.Tests;

public class LineageTests
{
    [Fact]
    public void A_lineage_without_a_content_generation_is_the_first_contents()
    {
        var lineage = new Lineage("f.tsv", 20260101000000, 2);

        Assert.Equal(1, lineage.ContentGeneration);
        Assert.Equal(Lineage.FirstContentGeneration, lineage.ContentGeneration);
    }

    [Fact]
    public void Every_line_of_a_newer_content_of_one_file_name_comes_after_every_line_of_the_older_one()
    {
        var olderLastLine = new Lineage("f.tsv", 20260101000000, 900);
        var newerFirstLine = new Lineage("f.tsv", 20260101000000, 2, ContentGeneration: 2);

        Assert.NotEqual(olderLastLine, newerFirstLine);
        Assert.True(newerFirstLine.Sequence > olderLastLine.Sequence);
    }

    [Fact]
    public void The_content_generation_orders_only_within_one_file_a_newer_file_timestamp_or_name_still_decides_first()
    {
        var secondContentOfOlderFile = new Lineage("a.tsv", 20260101000000, 2, ContentGeneration: 5).Sequence;

        Assert.True(new Lineage("a.tsv", 20260102000000, 2).Sequence > secondContentOfOlderFile);
        Assert.True(new Lineage("b.tsv", 20260101000000, 2).Sequence > secondContentOfOlderFile);
        Assert.True(new Lineage("a.tsv", 20260101000000, 3, ContentGeneration: 5).Sequence > secondContentOfOlderFile);
        Assert.Equal(0, new Lineage("a.tsv", 20260101000000, 2, ContentGeneration: 5).Sequence.CompareTo(secondContentOfOlderFile));
    }
}
