namespace OpowerStream.Domain.Files;

/// <summary>
/// The file's bytes as read from disk: counts them (progress, the compression-ratio guard) and keeps
/// the last <see cref="TailLength"/> bytes seen, where a gzip file keeps its trailer. Seeking passes
/// through so that a zip archive reads its central directory in place instead of being buffered.
/// </summary>
internal sealed class CompressedInputStream(Stream inner) : Stream
{
    public const int TailLength = 8;

    private readonly byte[] tail = new byte[TailLength];
    private int tailCount;

    public long BytesRead { get; private set; }

    /// <summary>The last bytes read (fewer when the stream was shorter).</summary>
    public ReadOnlySpan<byte> Tail => tail.AsSpan(TailLength - tailCount);

    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        BytesRead += read;
        RememberTail(buffer[..read]);
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void RememberTail(ReadOnlySpan<byte> read)
    {
        if (read.Length >= TailLength)
        {
            read[^TailLength..].CopyTo(tail);
            tailCount = TailLength;
            return;
        }

        // Shift the kept bytes left to make room for the few new ones.
        tail.AsSpan(read.Length).CopyTo(tail);
        read.CopyTo(tail.AsSpan(TailLength - read.Length));
        tailCount = Math.Min(TailLength, tailCount + read.Length);
    }
}
