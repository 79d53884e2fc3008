using OpowerStream.Domain.Files;
using static OpowerStream.Domain.Tests.Files.InboundFiles;

namespace OpowerStream.Domain.Tests.Files;

public sealed class InboundFileReaderTextTests
{
    [Fact]
    public void A_tab_file_yields_raw_values_in_layout_order_with_their_lineage()
    {
        using var reader = Open(RateTsv, $"{RateHeader}\taccount_id\n SA1 \tER-BASIC\t2018-01-01 00:00:00\t\n");

        var row = Assert.Single(reader.ReadRows());

        Assert.Equal('\t', reader.Delimiter);
        Assert.Equal(new Lineage(RateTsv, 20261120060000, 2), row.Lineage);
        Assert.Equal([" SA1 ", "ER-BASIC", "2018-01-01 00:00:00", null, ""], row.Values);
        Assert.Null(row.Defect);
    }

    [Fact]
    public void Csv_header_columns_match_in_any_order_and_case()
    {
        using var reader = Open(RateCsv, "Effective_DateTime, SA_RATE_CODE ,service_agreement_id\n2018-05-01 00:00:00,ER-DMINU,1234567890\n");

        var row = Assert.Single(reader.ReadRows());

        Assert.Equal(',', reader.Delimiter);
        Assert.Equal(("1234567890", "ER-DMINU", "2018-05-01 00:00:00"), RateValues(row));
        Assert.Empty(reader.UnknownColumns);
    }

    [Fact]
    public void A_bom_and_crlf_line_ends_are_tolerated()
    {
        var rows = ReadAll(RateTsv, $"\uFEFF{RateHeader}\r\nSA1\tR1\t2018-01-01\r\nSA2\tR2\t2018-02-01\r\n");

        Assert.Equal([("SA1", "R1", "2018-01-01"), ("SA2", "R2", "2018-02-01")], rows.Select(RateValues));
    }

    [Fact]
    public void Blank_lines_are_skipped_but_still_count_in_line_numbers()
    {
        var rows = ReadAll(RateTsv, $"{RateHeader}\n\nSA1\tR1\tD1\n   \r\nSA2\tR2\tD2\n\n\r\n");

        Assert.Equal([3L, 5L], rows.Select(row => row.Lineage.Line));
        Assert.All(rows, row => Assert.Null(row.Defect));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData(RateHeader)]
    [InlineData(RateHeader + "\n\n")]
    public void Empty_and_header_only_files_have_no_rows(string text) => Assert.Empty(ReadAll(RateTsv, text));

    [Fact]
    public void A_missing_required_column_refuses_the_file_naming_file_and_column()
    {
        var refusal = Refusal(RateTsv, Utf8("service_agreement_id\teffective_datetime\nSA1\tD1\n"));

        Assert.Equal(RuleCodes.MissingColumn, refusal.Reason);
        Assert.Equal(RateTsv, refusal.FileName);
        Assert.Equal(
            $"{RateTsv}: missing_column: required column 'sa_rate_code' is not in the header (columns: service_agreement_id, effective_datetime)",
            refusal.Message);
    }

    [Fact]
    public void A_missing_optional_column_gives_null_values()
    {
        var row = Assert.Single(ReadAll(RateTsv, $"{RateHeader}\nSA1\tR1\tD1\n"));

        Assert.Null(row.Values[3]);
        Assert.Null(row.Values[4]);
    }

    [Fact]
    public void Unknown_columns_are_ignored_and_reported_once()
    {
        using var reader = Open(RateTsv, $"person_id\t{RateHeader}\tpremise_id\nP1\tSA1\tR1\tD1\tPR1\nP2\tSA2\tR2\tD2\tPR2\n");

        var rows = reader.ReadRows().ToList();

        Assert.Equal(["person_id", "premise_id"], reader.UnknownColumns);
        Assert.Equal([("SA1", "R1", "D1"), ("SA2", "R2", "D2")], rows.Select(RateValues));
    }

    [Fact]
    public void A_used_column_named_twice_refuses_the_file()
    {
        var refusal = Refusal(RateTsv, Utf8($"{RateHeader}\tSA_Rate_Code\nSA1\tR1\tD1\tR2\n"));

        Assert.Equal(FileRefusalReasons.DuplicateColumn, refusal.Reason);
        Assert.Contains("sa_rate_code", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_column_may_repeat()
    {
        using var reader = Open(RateTsv, $"{RateHeader}\tnote\tnote\nSA1\tR1\tD1\tx\ty\n");

        Assert.Single(reader.ReadRows());
        Assert.Equal(["note", "note"], reader.UnknownColumns);
    }

    [Theory]
    [InlineData("SA1\tR1", 2)]
    [InlineData("SA1\tR1\tD1\textra", 4)]
    public void A_row_with_another_field_count_is_a_wrong_column_count_defect(string line, int fieldCount)
    {
        var rows = ReadAll(RateTsv, $"{RateHeader}\n{line}\nSA2\tR2\tD2\n");

        Assert.Equal(
            new RowDefect(RuleCodes.WrongColumnCount, null, $"line 2 has {fieldCount} fields; the header has 3", line),
            rows[0].Defect);
        Assert.All(rows[0].Values, Assert.Null);
        Assert.Equal(5, rows[0].Values.Count);
        Assert.Equal(("SA2", "R2", "D2"), RateValues(rows[1]));
    }

    [Fact]
    public void Csv_quotes_protect_delimiters_and_escape_quotes()
    {
        var row = Assert.Single(ReadAll(RateCsv, "service_agreement_id,sa_rate_code,effective_datetime\n\"SA,1\",\"say \"\"hi\"\"\",\"\"\n"));

        Assert.Equal(("SA,1", "say \"hi\"", ""), RateValues(row));
    }

    [Fact]
    public void Csv_quoted_header_names_are_unquoted()
    {
        var row = Assert.Single(ReadAll(RateCsv, "\"service_agreement_id\",\"sa_rate_code\",effective_datetime\nSA1,R1,D1\n"));

        Assert.Equal(("SA1", "R1", "D1"), RateValues(row));
    }

    [Fact]
    public void An_unterminated_quote_fails_only_its_own_line()
    {
        var rows = ReadAll(RateCsv, "service_agreement_id,sa_rate_code,effective_datetime\nSA1,\"R1,D1\nSA2,R2,D2\nSA3,R3,D3\n");

        Assert.Equal(new RowDefect(RuleCodes.WrongColumnCount, null, "unterminated quoted field", "SA1,\"R1,D1"), rows[0].Defect);
        Assert.Equal([("SA2", "R2", "D2"), ("SA3", "R3", "D3")], rows.Skip(1).Select(RateValues));
        Assert.Equal([2L, 3L, 4L], rows.Select(row => row.Lineage.Line));
    }

    [Fact]
    public void Text_after_a_closing_quote_is_a_defect()
    {
        var row = Assert.Single(ReadAll(RateCsv, "service_agreement_id,sa_rate_code,effective_datetime\n\"SA1\"x,R1,D1\n"));

        Assert.Equal(RuleCodes.WrongColumnCount, row.Defect?.Rule);
        Assert.Equal("unexpected character after the closing quote of field 1", row.Defect?.Message);
    }

    [Fact]
    public void Tab_files_keep_quotes_and_commas_as_they_are()
    {
        var row = Assert.Single(ReadAll(RateTsv, $"{RateHeader}\n\"SA1\"\tR,1\t\"D1\n"));

        Assert.Equal(("\"SA1\"", "R,1", "\"D1"), RateValues(row));
    }

    [Fact]
    public void Invalid_utf8_in_one_field_is_an_encoding_defect_naming_the_column()
    {
        var content = Concat(Utf8($"{RateHeader}\nSA1\tR"), [0xC3, 0x28], Utf8("\tD1\nSA2\tR2\tD2\n"));

        var rows = ReadAll(RateTsv, content);

        Assert.Equal(
            new RowDefect(RuleCodes.InvalidEncoding, RateColumns.SaRateCode, "line 2 is not valid UTF-8 in column 'sa_rate_code'", "SA1\tR\uFFFD(\tD1"),
            rows[0].Defect);
        Assert.All(rows[0].Values, Assert.Null);
        Assert.Equal(("SA2", "R2", "D2"), RateValues(rows[1]));
    }

    [Fact]
    public void Invalid_utf8_in_several_fields_names_no_column()
    {
        var content = Concat(Utf8($"{RateHeader}\n"), [0xFF], Utf8("\t"), [0xFE], Utf8("\tD1\n"));

        var row = Assert.Single(ReadAll(RateTsv, content));

        Assert.Equal(RuleCodes.InvalidEncoding, row.Defect?.Rule);
        Assert.Null(row.Defect?.Field);
        Assert.Equal("line 2 is not valid UTF-8", row.Defect?.Message);
    }

    [Fact]
    public void Multibyte_utf8_values_are_decoded()
    {
        var row = Assert.Single(ReadAll(RateTsv, $"{RateHeader}\nSA1\tTarif été ⚡\tD1\n"));

        Assert.Equal("Tarif été ⚡", row.Values[1]);
    }

    [Theory]
    [InlineData(2500)]
    [InlineData(50_000)]
    public void A_line_over_the_limit_is_a_defect_with_its_start_and_reading_goes_on(int length)
    {
        var longLine = "SA1\t" + new string('x', length) + "\tD1";
        var limits = new InboundFileReaderLimits { MaxLineBytes = 2048 };

        var rows = ReadAll(RateTsv, Utf8($"{RateHeader}\n{longLine}\nSA2\tR2\tD2\n"), limits);

        Assert.Equal("line_too_long", rows[0].Defect?.Rule);
        Assert.Equal("line 2 is longer than the limit of 2048 bytes", rows[0].Defect?.Message);
        Assert.StartsWith("SA1\txxx", rows[0].Defect?.RawLine, StringComparison.Ordinal);
        Assert.True(rows[0].Defect?.RawLine.Length < longLine.Length);
        Assert.Equal(("SA2", "R2", "D2"), RateValues(rows[1]));
        Assert.Equal(3, rows[1].Lineage.Line);
    }

    [Fact]
    public void A_last_line_over_the_limit_without_newline_is_a_defect()
    {
        var limits = new InboundFileReaderLimits { MaxLineBytes = 2048 };

        var rows = ReadAll(RateTsv, Utf8($"{RateHeader}\nSA1\tR1\tD1\n{new string('x', 10_000)}"), limits);

        Assert.Equal([null, "line_too_long"], rows.Select(row => row.Defect?.Rule));
        Assert.Equal(3, rows[1].Lineage.Line);
    }

    [Fact]
    public void A_10_megabyte_line_is_read_whole_when_the_line_limit_allows_it()
    {
        var value = new string('r', 10 * 1024 * 1024);
        var limits = new InboundFileReaderLimits { MaxLineBytes = 64 * 1024 * 1024 };

        var row = Assert.Single(ReadAll(RateTsv, Utf8($"{RateHeader}\nSA1\t{value}\tD1\n"), limits));

        Assert.Null(row.Defect);
        Assert.Equal(value.Length, row.Values[1]?.Length);
        Assert.Equal("D1", row.Values[2]);
    }

    [Fact]
    public void A_last_line_without_newline_is_read()
    {
        var rows = ReadAll(RateTsv, $"{RateHeader}\nSA1\tR1\tD1\nSA2\tR2\tD2");

        Assert.Equal(("SA2", "R2", "D2"), RateValues(rows[^1]));
    }

    [Fact]
    public void Interval_minutes_come_from_the_file_name_not_the_header()
    {
        using var reader = Open(
            IntervalTsv,
            "service_point_id\tusage_value\tdate\ttime\tunits\tinterval_minutes\nSP1\t1.5\t20261119\t0015\tKWH\t60\n");

        var row = Assert.Single(reader.ReadRows());

        var layout = EntityLayout.Interval;
        Assert.Equal("15", row.Values[layout.IndexOf(IntervalColumns.IntervalMinutes)]);
        Assert.Equal("SP1", row.Values[layout.IndexOf(IntervalColumns.ServicePointId)]);
        Assert.Null(row.Values[layout.IndexOf(IntervalColumns.UtcOffset)]);
        Assert.Equal(["interval_minutes"], reader.UnknownColumns);
    }

    [Fact]
    public void Rows_can_be_read_only_once()
    {
        using var reader = Open(RateTsv, $"{RateHeader}\nSA1\tR1\tD1\n");
        _ = reader.ReadRows().ToList();

        Assert.Throws<InvalidOperationException>(() => reader.ReadRows());
    }

    [Fact]
    public void The_reader_disposes_the_stream_it_was_given()
    {
        var content = new MemoryStream(Utf8($"{RateHeader}\n"));

        InboundFileReader.Open(content, Name(RateTsv)).Dispose();

        Assert.False(content.CanRead);
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();
}
