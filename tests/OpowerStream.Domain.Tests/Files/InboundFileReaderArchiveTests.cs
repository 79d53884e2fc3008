using System.IO.Compression;
using System.Text;
using OpowerStream.Domain.Files;
using static OpowerStream.Domain.Tests.Files.InboundFiles;

namespace OpowerStream.Domain.Tests.Files;

public sealed class InboundFileReaderArchiveTests
{
    private static readonly byte[] TwoRates = Utf8($"{RateHeader}\nSA1\tR1\tD1\nSA2\tR2\tD2\n");

    [Fact]
    public void A_gzip_file_is_decompressed_and_its_bytes_counted()
    {
        var packed = Gzip(TwoRates);
        using var reader = Open(RateGzip, packed);

        var rows = reader.ReadRows().ToList();

        Assert.Equal([("SA1", "R1", "D1"), ("SA2", "R2", "D2")], rows.Select(RateValues));
        Assert.Equal(packed.Length, reader.CompressedBytesRead);
    }

    [Fact]
    public void A_large_gzip_file_streams_all_its_rows()
    {
        const int rowCount = 200_000;
        var text = new StringBuilder(RateHeader).Append('\n');
        for (var i = 0; i < rowCount; i++)
        {
            text.Append("SA").Append(i).Append("\tRATE\t2018-01-01 00:00:00\n");
        }

        var rows = ReadAll(RateGzip, Gzip(Utf8(text.ToString())));

        Assert.Equal(rowCount, rows.Count);
        Assert.Equal(("SA199999", "RATE", "2018-01-01 00:00:00"), RateValues(rows[^1]));
        Assert.Equal(rowCount + 1, rows[^1].Lineage.Line);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(8)]
    public void A_truncated_gzip_file_is_refused_as_corrupt_compression(int keptEighths)
    {
        var text = new StringBuilder(RateHeader).Append('\n');
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            text.Append("SA").Append(random.Next()).Append("\tR").Append(random.Next()).Append("\tD\n");
        }

        var packed = Gzip(Utf8(text.ToString()));
        var cut = keptEighths == 8 ? packed.Length - 4 : Math.Max(20, packed.Length * keptEighths / 8);

        var refusal = Refusal(RateGzip, packed[..cut]);

        Assert.Equal(RuleCodes.CorruptCompression, refusal.Reason);
    }

    [Fact]
    public void Corrupt_gzip_data_is_refused_as_corrupt_compression()
    {
        var packed = Gzip(TwoRates);
        packed[12] ^= 0xFF;
        packed[13] ^= 0xFF;

        Assert.Equal(RuleCodes.CorruptCompression, Refusal(RateGzip, packed).Reason);
    }

    [Fact]
    public void A_plain_file_named_gz_is_refused_as_corrupt_compression() =>
        Assert.Equal(RuleCodes.CorruptCompression, Refusal(RateGzip, TwoRates).Reason);

    [Fact]
    public void Concatenated_gzip_members_are_refused()
    {
        var packed = Gzip(Utf8($"{RateHeader}\n")).Concat(Gzip(Utf8("SA1\tR1\tD1\n"))).ToArray();

        Assert.Equal(RuleCodes.CorruptCompression, Refusal(RateGzip, packed).Reason);
    }

    [Fact]
    public void Empty_gzip_files_have_no_rows()
    {
        Assert.Empty(ReadAll(RateGzip, Gzip([])));
        Assert.Empty(ReadAll(RateGzip, []));
    }

    [Fact]
    public void A_zip_with_one_file_is_read()
    {
        var rows = ReadAll(RateZip, Zip(("rates.tsv", TwoRates)));

        Assert.Equal([("SA1", "R1", "D1"), ("SA2", "R2", "D2")], rows.Select(RateValues));
    }

    [Fact]
    public void A_zip_with_two_files_is_refused_as_bad_archive()
    {
        var refusal = Refusal(RateZip, Zip(("a.tsv", TwoRates), ("b.tsv", TwoRates)));

        Assert.Equal(RuleCodes.BadArchive, refusal.Reason);
        Assert.Equal($"{RateZip}: bad_archive: the archive holds 2 entries; exactly one file is expected", refusal.Message);
    }

    [Theory]
    [InlineData("rates/")]
    [InlineData("rates/a.tsv")]
    [InlineData("rates\\a.tsv")]
    [InlineData("../x")]
    [InlineData("..")]
    public void A_zip_entry_that_is_a_folder_or_a_path_is_refused_as_bad_archive(string entryName) =>
        Assert.Equal(RuleCodes.BadArchive, Refusal(RateZip, Zip((entryName, TwoRates))).Reason);

    [Fact]
    public void A_zip_holding_a_folder_and_a_file_is_refused_as_bad_archive() =>
        Assert.Equal(RuleCodes.BadArchive, Refusal(RateZip, Zip(("rates/", []), ("rates/a.tsv", TwoRates))).Reason);

    [Fact]
    public void A_file_named_zip_that_is_not_an_archive_is_refused_as_bad_archive() =>
        Assert.Equal(RuleCodes.BadArchive, Refusal(RateZip, TwoRates).Reason);

    [Fact]
    public void A_gzip_that_expands_enormously_is_refused_by_the_ratio_guard_without_being_held_in_memory()
    {
        // Deflate tops out near 1030:1; the default limit (200) refuses such a file.
        var bomb = GzipOfNewlines(RateHeader, 200L * 1024 * 1024);
        var limits = new InboundFileReaderLimits();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var refusal = Refusal(RateGzip, bomb, limits);

        Assert.Equal(RuleCodes.BadArchive, refusal.Reason);
        Assert.Contains("ratio", refusal.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 16 * 1024 * 1024);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_as_bad_archive()
    {
        var limits = new InboundFileReaderLimits { MaxUncompressedBytes = 40 };

        var refusal = Refusal(RateTsv, TwoRates, limits);

        Assert.Equal(RuleCodes.BadArchive, refusal.Reason);
    }

    /// <summary>A header then blank lines: without the guards it would read to the end with zero rows.</summary>
    private static byte[] GzipOfNewlines(string header, long newlineBytes)
    {
        var newlines = new byte[1024 * 1024];
        Array.Fill(newlines, (byte)'\n');
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(Utf8(header + "\n"));
            for (var written = 0L; written < newlineBytes; written += newlines.Length)
            {
                gzip.Write(newlines);
            }
        }

        return packed.ToArray();
    }
}
