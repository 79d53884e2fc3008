namespace OpowerStream.Domain.Files;

/// <summary>Guards that keep a hostile or broken file from exhausting disk, memory or time.</summary>
public sealed class InboundFileReaderLimits
{
    /// <summary>Decompressed size above which the file is refused as bad_archive.</summary>
    public long MaxUncompressedBytes { get; init; } = 256L * 1024 * 1024 * 1024;

    /// <summary>
    /// Decompressed bytes per compressed byte above which the file is refused as bad_archive (a
    /// decompression bomb). Checked only once more than <see cref="RatioCheckAfterBytes"/> were
    /// expanded, because a small file's ratio says little. Meter and billing text compresses 10-30
    /// times; deflate cannot exceed about 1030, so only a limit well below that catches a bomb.
    /// </summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>
    /// Longest line kept in memory; a longer one becomes a line_too_long row carrying only the
    /// line's start, and reading goes on at the next line. Well under Kafka's default message size
    /// (1 MB): a row event, and its dead letter holding it again, must fit in one message, or the file
    /// could never be published (a 10 MB line used to fail its file on every attempt). A valid row is
    /// a few hundred bytes.
    /// </summary>
    public int MaxLineBytes { get; init; } = 256 * 1024;

    public const long RatioCheckAfterBytes = 16L * 1024 * 1024;
}
