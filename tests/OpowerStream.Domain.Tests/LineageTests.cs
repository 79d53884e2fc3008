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
    public void Two_contents_of_one_file_name_are_different_lineages_of_the_same_source_position()
    {
        var first = new Lineage("f.tsv", 20260101000000, 2);
        var resent = first with { ContentGeneration = 2 };

        Assert.NotEqual(first, resent);
        // Ordering by generation is the stores' part (not yet): the source sequence is still file and line.
        Assert.Equal(first.Sequence, resent.Sequence);
    }
}
