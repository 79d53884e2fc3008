using System.Text;
using OpowerStream.Domain.Files;
using static OpowerStream.Domain.Tests.Files.InboundFiles;

namespace OpowerStream.Domain.Tests.Files;

public sealed class RawRowViewTests
{
    [Fact]
    public void The_view_holds_each_rows_bytes_in_layout_order_with_escaped_quotes_unescaped()
    {
        using var reader = Open(RateCsv, "effective_datetime,service_agreement_id,sa_rate_code\n2018-01-01,\"SA \"\"1\"\"\",\"R,1\"\n2018-02-01,SA2,\n");
        var seen = new List<(string?, string?, string?, string?, long)>();

        foreach (var row in reader.ReadRowViews())
        {
            seen.Add((Text(row, 0), Text(row, 1), Text(row, 2), Text(row, 3), row.Lineage.Line));
        }

        Assert.Equal([("SA \"1\"", "R,1", "2018-01-01", null, 2L), ("SA2", "", "2018-02-01", null, 3L)], seen);
    }

    [Fact]
    public void A_value_taken_from_the_file_name_is_there_as_bytes()
    {
        using var reader = Open(IntervalTsv, "service_point_id\tusage_value\tdate\ttime\tunits\nSP1\t1.5\t20261119\t0015\tKWH\n");
        var layout = EntityLayout.For(Entity.Interval);

        var row = Assert.Single(reader.ReadRowViews());

        Assert.Equal("15", Text(row, layout.IndexOf(IntervalColumns.IntervalMinutes)));
        Assert.Equal(row.ToRawRow().Values, Enumerable.Range(0, row.Count).Select(column => Text(row, column)));
    }

    [Fact]
    public void A_defective_row_has_its_defect_and_no_values()
    {
        using var reader = Open(RateTsv, $"{RateHeader}\nSA1\tR1\n");

        var row = Assert.Single(reader.ReadRowViews());

        Assert.Equal(RuleCodes.WrongColumnCount, row.Defect?.Rule);
        Assert.All(Enumerable.Range(0, row.Count), column => Assert.False(row.TryGetValue(column, out _)));
        Assert.True(row.TrimmedValue(0).IsEmpty);
    }

    [Theory]
    [InlineData(" SA1 ", "SA1")]
    [InlineData("\u00A0SA 1\u3000", "SA 1")]
    [InlineData("\u2003\t", "")]
    [InlineData("SA1", "SA1")]
    [InlineData("é\u00A0", "é")]
    public void The_trimmed_value_drops_what_string_trim_drops(string value, string trimmed)
    {
        using var reader = Open(RateTsv, $"{RateHeader}\n{value}\tR1\tD1\n");

        var row = Assert.Single(reader.ReadRowViews());

        Assert.Equal(trimmed, value.Trim());
        Assert.Equal(trimmed, Encoding.UTF8.GetString(row.TrimmedValue(0)));
    }

    [Fact]
    public void Rows_are_read_once_whichever_way()
    {
        using var reader = Open(RateTsv, $"{RateHeader}\nSA1\tR1\tD1\n");
        _ = reader.ReadRowViews();

        Assert.Throws<InvalidOperationException>(() => reader.ReadRows());
    }

    private static string? Text(RawRowView row, int column) =>
        row.TryGetValue(column, out var utf8) ? Encoding.UTF8.GetString(utf8) : null;
}
