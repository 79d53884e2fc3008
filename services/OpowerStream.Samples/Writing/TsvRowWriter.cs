using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace OpowerStream.Samples.Writing;

/// <summary>
/// Writes a gzip'd, tab-separated file row by row into one reusable buffer: values are formatted
/// straight into UTF-8 bytes (no string per field), so memory stays flat however many rows are written.
/// The row being built can be taken back as text (<see cref="PendingFields"/>) and rewritten, which is
/// how a good row is turned into a deliberately bad one.
/// </summary>
internal sealed class TsvRowWriter : IDisposable
{
    private const int FlushThreshold = 1 << 16;

    private static readonly long[] PowersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

    private readonly FileStream file;
    private readonly GZipStream gzip;
    private byte[] buffer = new byte[FlushThreshold * 2];
    private int length;
    private int rowStart;
    private bool rowHasField;
    private bool disposed;

    public TsvRowWriter(string path)
    {
        file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        gzip = new GZipStream(file, CompressionLevel.Fastest);
    }

    public void Text(string value) => Text(value.AsSpan());

    public void Text(ReadOnlySpan<char> value)
    {
        Separator();
        Ensure(Encoding.UTF8.GetMaxByteCount(value.Length));
        length += Encoding.UTF8.GetBytes(value, buffer.AsSpan(length));
    }

    public void Number(long value)
    {
        Separator();
        Ensure(20);
        value.TryFormat(buffer.AsSpan(length), out var written, default, CultureInfo.InvariantCulture);
        length += written;
    }

    /// <summary>A non-negative number left-padded with zeros to <paramref name="width"/> digits (dates, times).</summary>
    public void Digits(long value, int width)
    {
        Separator();
        AppendDigits(value, width);
    }

    /// <summary>A fixed-point value given in units of 10^-<paramref name="scale"/>, e.g. 1234 at scale 3 is 1.234.</summary>
    public void Fixed(long scaledValue, int scale)
    {
        Separator();
        Ensure(24);
        if (scaledValue < 0)
        {
            buffer[length++] = (byte)'-';
            scaledValue = -scaledValue;
        }

        var (whole, fraction) = Math.DivRem(scaledValue, PowersOfTen[scale]);
        AppendDigits(whole, 1);
        buffer[length++] = (byte)'.';
        AppendDigits(fraction, scale);
    }

    public void LocalDateTime(DateTime value)
    {
        Separator();
        Ensure(19);
        value.TryFormat(buffer.AsSpan(length), out var written, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        length += written;
    }

    public void LocalDate(DateOnly value)
    {
        Separator();
        Ensure(10);
        value.TryFormat(buffer.AsSpan(length), out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        length += written;
    }

    /// <summary>The fields of the row being built, as text.</summary>
    public string[] PendingFields() =>
        Encoding.UTF8.GetString(buffer, rowStart, length - rowStart).Split('\t');

    /// <summary>Replaces the row being built with <paramref name="fields"/>.</summary>
    public void RewritePending(IEnumerable<string> fields)
    {
        length = rowStart;
        rowHasField = false;
        foreach (var field in fields)
        {
            Text(field);
        }
    }

    public void EndRow()
    {
        Ensure(1);
        buffer[length++] = (byte)'\n';
        rowStart = length;
        rowHasField = false;
        if (length >= FlushThreshold)
        {
            gzip.Write(buffer, 0, length);
            length = 0;
            rowStart = 0;
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        gzip.Write(buffer, 0, length);
        gzip.Dispose();
        file.Dispose();
    }

    private void Separator()
    {
        if (rowHasField)
        {
            Ensure(1);
            buffer[length++] = (byte)'\t';
        }

        rowHasField = true;
    }

    private void AppendDigits(long value, int width)
    {
        var count = 1;
        for (var rest = value / 10; rest > 0; rest /= 10)
        {
            count++;
        }

        count = Math.Max(count, width);
        Ensure(count);
        for (var i = length + count - 1; i >= length; i--)
        {
            buffer[i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        length += count;
    }

    private void Ensure(int bytes)
    {
        if (length + bytes > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + bytes));
        }
    }
}
