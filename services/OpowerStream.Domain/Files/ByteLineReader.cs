using System.Buffers;

namespace OpowerStream.Domain.Files;

/// <summary>
/// Splits a byte stream into physical lines at LF without decoding, through one pooled buffer that
/// grows only as far as the longest line (at most the line limit), so memory stays flat however big
/// the file is. A trailing CR is removed (CRLF files).
/// </summary>
internal sealed class ByteLineReader(Stream source, int maxLineBytes) : IDisposable
{
    private const int InitialBufferBytes = 64 * 1024;

    /// <summary>How much of a too-long line is kept, for the defect's raw line.</summary>
    private const int KeptPrefixBytes = 1024;

    private byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(InitialBufferBytes, maxLineBytes + 1L));
    private byte[]? tooLongPrefix;
    private int dataStart;
    private int dataEnd;
    private bool sourceEnded;
    private int currentStart;
    private int currentLength;

    /// <summary>1-based physical line number of <see cref="Current"/>.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The line was longer than the limit: <see cref="Current"/> holds only its start.</summary>
    public bool CurrentIsTooLong { get; private set; }

    /// <summary>The current line's bytes without LF or CR; valid until the next <see cref="MoveNext"/>.</summary>
    public ReadOnlySpan<byte> Current =>
        CurrentIsTooLong ? tooLongPrefix.AsSpan(0, currentLength) : buffer.AsSpan(currentStart, currentLength);

    public bool MoveNext()
    {
        var scanFrom = dataStart;
        while (true)
        {
            var newline = buffer.AsSpan(scanFrom, dataEnd - scanFrom).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var lineEnd = scanFrom + newline;
                SetCurrent(dataStart, lineEnd - dataStart);
                dataStart = lineEnd + 1;
                return true;
            }

            if (sourceEnded)
            {
                if (dataStart == dataEnd)
                {
                    return false;
                }

                SetCurrent(dataStart, dataEnd - dataStart);
                dataStart = dataEnd;
                return true;
            }

            if (dataEnd - dataStart > maxLineBytes)
            {
                SkipTooLongLine();
                return true;
            }

            scanFrom = dataEnd - dataStart;
            MakeRoom();
            Fill();
        }
    }

    public void Dispose()
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = [];
        }
    }

    private void SetCurrent(int start, int length)
    {
        LineNumber++;
        if (length > maxLineBytes)
        {
            // The pool may hand out a buffer larger than the limit, so a whole too-long line can fit.
            KeepPrefix(start);
            return;
        }

        CurrentIsTooLong = false;
        currentStart = start;
        currentLength = length > 0 && buffer[start + length - 1] == (byte)'\r' ? length - 1 : length;
    }

    private void SkipTooLongLine()
    {
        LineNumber++;
        KeepPrefix(dataStart);
        while (true)
        {
            dataStart = dataEnd = 0;
            Fill();
            if (sourceEnded)
            {
                return;
            }

            var newline = buffer.AsSpan(0, dataEnd).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                dataStart = newline + 1;
                return;
            }
        }
    }

    private void KeepPrefix(int start)
    {
        tooLongPrefix ??= new byte[KeptPrefixBytes];
        currentLength = Math.Min(KeptPrefixBytes, maxLineBytes);
        buffer.AsSpan(start, currentLength).CopyTo(tooLongPrefix);
        CurrentIsTooLong = true;
    }

    /// <summary>Moves the unread bytes to the front, and grows the buffer when they fill it.</summary>
    private void MakeRoom()
    {
        var pending = dataEnd - dataStart;
        if (pending == buffer.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, maxLineBytes + 1L));
            buffer.AsSpan(dataStart, pending).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = grown;
        }
        else if (dataStart > 0)
        {
            buffer.AsSpan(dataStart, pending).CopyTo(buffer);
        }

        dataStart = 0;
        dataEnd = pending;
    }

    private void Fill()
    {
        var read = source.Read(buffer, dataEnd, buffer.Length - dataEnd);
        if (read == 0)
        {
            sourceEnded = true;
        }

        dataEnd += read;
    }
}
