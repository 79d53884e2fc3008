using System.Buffers.Binary;
using System.Globalization;

namespace OpowerStream.Domain.Files;

/// <summary>
/// The decompressed bytes, guarded: refuses the file as bad_archive once it expands past the size
/// limit or the compression-ratio limit (a decompression bomb is stopped after at most a buffer's
/// worth, never materialized), and turns a corrupt or truncated compressed stream into
/// corrupt_compression wherever it surfaces.
/// </summary>
internal sealed class ExpansionGuardStream(
    Stream decompressed,
    CompressedInputStream compressed,
    InboundFileName name,
    InboundFileReaderLimits limits) : Stream
{
    private long expandedBytes;
    private bool endVerified;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = decompressed.Read(buffer);
        }
        catch (InvalidDataException ex)
        {
            throw new FileRefusedException(name.FileName, RuleCodes.CorruptCompression, ex.Message, ex);
        }

        if (read == 0 && !buffer.IsEmpty)
        {
            VerifyGzipEnd();
            return 0;
        }

        expandedBytes += read;
        if (expandedBytes > limits.MaxUncompressedBytes)
        {
            throw Refuse(
                RuleCodes.BadArchive,
                $"decompresses to more than the limit of {limits.MaxUncompressedBytes} bytes");
        }

        if (expandedBytes > InboundFileReaderLimits.RatioCheckAfterBytes
            && expandedBytes > limits.MaxCompressionRatio * compressed.BytesRead)
        {
            throw Refuse(
                RuleCodes.BadArchive,
                $"expanded {compressed.BytesRead} compressed bytes to {expandedBytes} bytes, over the ratio limit of {limits.MaxCompressionRatio.ToString(CultureInfo.InvariantCulture)}");
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            decompressed.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// GZipStream ends a truncated stream silently, so the end is checked here: a complete gzip file
    /// ends with a trailer whose last four bytes are the decompressed size (mod 2^32), which zlib has
    /// already checked against the data when it reached it. A cut file ends with deflate data instead.
    /// [our rule] A gzip file holds one member: several concatenated members fail this check too.
    /// A zero-byte .gz file is read as an empty file.
    /// </summary>
    private void VerifyGzipEnd()
    {
        if (endVerified || name.Compression != Compression.Gzip)
        {
            return;
        }

        endVerified = true;
        compressed.CopyTo(Stream.Null);
        if (compressed.BytesRead == 0)
        {
            return;
        }

        var tail = compressed.Tail;
        if (tail.Length < CompressedInputStream.TailLength
            || BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]) != unchecked((uint)expandedBytes))
        {
            throw Refuse(
                RuleCodes.CorruptCompression,
                "the gzip stream ends without its trailer: the file is truncated (or holds several gzip members)");
        }
    }

    private FileRefusedException Refuse(string reason, string detail) => new(name.FileName, reason, detail);
}
