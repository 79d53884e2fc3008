using System.Text;
using OpowerStream.Domain.Files;
using static OpowerStream.Domain.Tests.Files.InboundFiles;

namespace OpowerStream.Domain.Tests.Files;

public sealed class GzipVerificationTests
{
    private static readonly byte[] ManyRates = Gzip(Utf8(RatesText(20_000)));

    [Fact]
    public void A_sound_gzip_file_passes()
    {
        var content = new MemoryStream(ManyRates);

        GzipVerification.Verify(content, Name(RateGzip));

        Assert.False(content.CanRead, "the verification owns and disposes the stream");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void A_gzip_file_cut_anywhere_is_refused_as_corrupt_compression(int keptEighths)
    {
        var refusal = Assert.Throws<FileRefusedException>(() =>
            GzipVerification.Verify(new MemoryStream(ManyRates[..(ManyRates.Length * keptEighths / 8)]), Name(RateGzip)));

        Assert.Equal(RuleCodes.CorruptCompression, refusal.Reason);
    }

    [Fact]
    public void Two_concatenated_gzip_members_are_refused_as_corrupt_compression() =>
        Assert.Equal(
            RuleCodes.CorruptCompression,
            Assert.Throws<FileRefusedException>(() => GzipVerification.Verify(new MemoryStream([.. ManyRates, .. ManyRates]), Name(RateGzip))).Reason);

    [Fact]
    public void A_gzip_file_expanding_past_the_size_limit_is_refused_as_bad_archive()
    {
        var limits = new InboundFileReaderLimits { MaxUncompressedBytes = 100_000 };

        var refusal = Assert.Throws<FileRefusedException>(() => GzipVerification.Verify(new MemoryStream(ManyRates), Name(RateGzip), limits));

        Assert.Equal(RuleCodes.BadArchive, refusal.Reason);
    }

    [Fact]
    public void Files_that_are_not_gzip_are_left_to_the_reader() =>
        GzipVerification.Verify(new MemoryStream(Utf8("not a gzip file")), Name(RateTsv));

    private static string RatesText(int rows)
    {
        var text = new StringBuilder(RateHeader).Append('\n');
        var random = new Random(3);
        for (var i = 0; i < rows; i++)
        {
            text.Append("SA").Append(random.Next()).Append("\tR").Append(random.Next()).Append("\tD\n");
        }

        return text.ToString();
    }
}
