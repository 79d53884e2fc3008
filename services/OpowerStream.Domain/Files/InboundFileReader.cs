using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Unicode;

namespace OpowerStream.Domain.Files;

/// <summary>
/// Reads one inbound file (spec section 2): unpacks gzip or zip, matches the header against the
/// entity's layout and streams the data rows as <see cref="RawRow"/>s with raw, untrimmed values.
/// Memory stays flat whatever the file's size: lines are split as bytes in one pooled buffer and each
/// is decoded once. Row problems become <see cref="RowDefect"/>s; file problems throw
/// <see cref="FileRefusedException"/>, from <see cref="Open"/> or while rows are read.
/// </summary>
public sealed class InboundFileReader : IDisposable
{
    private readonly InboundFileName name;
    private readonly InboundFileReaderLimits limits;
    private readonly EntityLayout layout;
    private readonly CompressedInputStream compressed;
    private readonly ZipArchive? archive;
    private readonly Stream text;
    private readonly ByteLineReader lines;
    private readonly List<FieldRange> fields = [];
    private readonly string?[] fileNameValues;
    private HeaderColumns? header;
    private bool rowsRequested;

    private InboundFileReader(
        InboundFileName name,
        InboundFileReaderLimits limits,
        CompressedInputStream compressed,
        ZipArchive? archive,
        Stream decompressed)
    {
        this.name = name;
        this.limits = limits;
        this.compressed = compressed;
        this.archive = archive;
        layout = EntityLayout.For(name.Entity);
        fileNameValues = layout.Columns.Select(column => column.FromFileName ? FileNameValue(column, name) : null).ToArray();
        text = new ExpansionGuardStream(decompressed, compressed, name, limits);
        lines = new ByteLineReader(text, limits.MaxLineBytes);
    }

    /// <summary>Tab when the header line holds a tab, else comma [our rule]; tab for an empty file.</summary>
    public char Delimiter { get; private set; } = '\t';

    /// <summary>Header columns the entity does not use: ignored, reported once per file.</summary>
    public IReadOnlyList<string> UnknownColumns => header?.UnknownColumns ?? [];

    /// <summary>Bytes of the file read so far, for progress.</summary>
    public long CompressedBytesRead => compressed.BytesRead;

    /// <summary>
    /// Opens the file and reads its header. The reader owns <paramref name="content"/> and disposes it.
    /// A zip file should come as a seekable stream: otherwise the archive is first copied into memory.
    /// </summary>
    public static InboundFileReader Open(Stream content, InboundFileName name, InboundFileReaderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(name);
        limits ??= new InboundFileReaderLimits();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limits.MaxLineBytes, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limits.MaxUncompressedBytes, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limits.MaxCompressionRatio, nameof(limits));
        var compressed = new CompressedInputStream(content);
        ZipArchive? archive = null;
        InboundFileReader? reader = null;
        try
        {
            Stream decompressed;
            switch (name.Compression)
            {
                case Compression.Gzip:
                    decompressed = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
                    break;
                case Compression.Zip:
                    archive = OpenArchive(compressed, name.FileName);
                    decompressed = OpenSingleEntry(archive, name.FileName);
                    break;
                default:
                    decompressed = compressed;
                    break;
            }

            reader = new InboundFileReader(name, limits, compressed, archive, decompressed);
            reader.ReadHeader();
            return reader;
        }
        catch
        {
            if (reader is null)
            {
                archive?.Dispose();
                compressed.Dispose();
            }
            else
            {
                reader.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// The data rows, streamed; enumerate once. Blank lines are skipped; line numbers are physical
    /// (header = 1), so they still count.
    /// </summary>
    public IEnumerable<RawRow> ReadRows()
    {
        if (rowsRequested)
        {
            throw new InvalidOperationException("The rows of an inbound file can be read only once.");
        }

        rowsRequested = true;
        return header is null ? [] : EnumerateRows(header);
    }

    public void Dispose()
    {
        lines.Dispose();
        text.Dispose();
        archive?.Dispose();
        compressed.Dispose();
    }

    private static string FileNameValue(ColumnSpec column, InboundFileName name) => column.Name switch
    {
        IntervalColumns.IntervalMinutes => name.IntervalMinutes?.ToString(CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException($"{name.FileName} names no interval length."),
        _ => throw new InvalidOperationException($"No value in the file name for column '{column.Name}'."),
    };

    private static ZipArchive OpenArchive(Stream compressed, string fileName)
    {
        try
        {
            return new ZipArchive(compressed, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new FileRefusedException(fileName, RuleCodes.BadArchive, $"not a readable zip archive: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Spec section 2: exactly one file and no folders. The entry's name is only checked, never used
    /// as a path: the entry is read as a stream.
    /// </summary>
    private static Stream OpenSingleEntry(ZipArchive archive, string fileName)
    {
        if (archive.Entries.Count != 1)
        {
            throw new FileRefusedException(
                fileName, RuleCodes.BadArchive, $"the archive holds {archive.Entries.Count} entries; exactly one file is expected");
        }

        var entry = archive.Entries[0];
        var entryName = entry.FullName;
        if (entryName.Length == 0 || entryName.EndsWith('/') || entryName.Contains('/', StringComparison.Ordinal)
            || entryName.Contains('\\', StringComparison.Ordinal) || entryName.Contains("..", StringComparison.Ordinal))
        {
            throw new FileRefusedException(
                fileName, RuleCodes.BadArchive, $"the archive entry '{entryName}' is a folder or a path; one plain file is expected");
        }

        try
        {
            return entry.Open();
        }
        catch (InvalidDataException ex)
        {
            throw new FileRefusedException(fileName, RuleCodes.BadArchive, $"the archive entry cannot be read: {ex.Message}", ex);
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(" \t\r"u8) < 0;

    private void ReadHeader()
    {
        while (lines.MoveNext())
        {
            if (lines.CurrentIsTooLong)
            {
                throw new FileRefusedException(
                    name.FileName, RuleCodes.MissingColumn, $"the header line is longer than the limit of {limits.MaxLineBytes} bytes");
            }

            var line = lines.Current;
            if (lines.LineNumber == 1 && line.StartsWith(Encoding.UTF8.Preamble))
            {
                line = line[Encoding.UTF8.Preamble.Length..];
            }

            if (IsBlank(line))
            {
                continue;
            }

            Delimiter = line.Contains((byte)'\t') ? '\t' : ',';
            header = HeaderColumns.Parse(line, (byte)Delimiter, layout, name.FileName, fields);
            return;
        }
    }

    private IEnumerable<RawRow> EnumerateRows(HeaderColumns columns)
    {
        while (lines.MoveNext())
        {
            var row = ReadCurrentRow(columns);
            if (row is not null)
            {
                yield return row;
            }
        }
    }

    /// <summary>The current line as a row, or null for a blank line.</summary>
    private RawRow? ReadCurrentRow(HeaderColumns columns)
    {
        var line = lines.Current;
        var lineNumber = lines.LineNumber;
        var lineage = new Lineage(name.FileName, name.Timestamp, lineNumber);
        if (lines.CurrentIsTooLong)
        {
            return Defective(
                lineage, RuleCodes.WrongColumnCount, null, $"line {lineNumber} is longer than the limit of {limits.MaxLineBytes} bytes", line);
        }

        if (IsBlank(line))
        {
            return null;
        }

        var split = DelimitedLineSplitter.TrySplit(line, (byte)Delimiter, fields, out var splitError);
        var fieldCountMatches = split && fields.Count == columns.Count;
        if (!Utf8.IsValid(line))
        {
            var field = fieldCountMatches ? BadlyEncodedField(line, columns) : null;
            var where = field is null ? string.Empty : $" in column '{field}'";
            return Defective(lineage, RuleCodes.InvalidEncoding, field, $"line {lineNumber} is not valid UTF-8{where}", line);
        }

        if (!split)
        {
            return Defective(lineage, RuleCodes.WrongColumnCount, null, splitError!, line);
        }

        if (!fieldCountMatches)
        {
            return Defective(
                lineage,
                RuleCodes.WrongColumnCount,
                null,
                $"line {lineNumber} has {fields.Count} fields; the header has {columns.Count}",
                line);
        }

        var values = (string?[])fileNameValues.Clone();
        for (var field = 0; field < fields.Count; field++)
        {
            var column = columns.LayoutIndexOf(field);
            if (column >= 0)
            {
                values[column] = DelimitedLineSplitter.Decode(line, fields[field]);
            }
        }

        return new RawRow(lineage, values);
    }

    /// <summary>The column holding the invalid bytes when they all sit in one field, else null.</summary>
    private string? BadlyEncodedField(ReadOnlySpan<byte> line, HeaderColumns columns)
    {
        string? badField = null;
        for (var field = 0; field < fields.Count; field++)
        {
            if (!Utf8.IsValid(line.Slice(fields[field].Start, fields[field].Length)))
            {
                if (badField is not null)
                {
                    return null;
                }

                badField = columns.NameOf(field);
            }
        }

        return badField;
    }

    private RawRow Defective(Lineage lineage, string rule, string? field, string message, ReadOnlySpan<byte> line) =>
        new(lineage, new string?[layout.Columns.Count], new RowDefect(rule, field, message, Encoding.UTF8.GetString(line)));
}
