using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Unicode;

namespace OpowerStream.Domain.Files;

/// <summary>
/// Reads one inbound file (spec section 2): unpacks gzip or zip, matches the header against the
/// entity's layout and streams the data rows with raw, untrimmed values: as <see cref="RawRowView"/>s
/// (UTF-8 bytes, nothing decoded) or as <see cref="RawRow"/>s. Memory stays flat whatever the file's
/// size: lines are split as bytes in one pooled buffer. Row problems become <see cref="RowDefect"/>s;
/// file problems throw <see cref="FileRefusedException"/>, from <see cref="Open"/> or while rows are read.
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
    private readonly RawRowView current;
    private HeaderColumns? header;
    private bool rowsRequested;

    /// <summary>Which content of its file name this is (see <see cref="Lineage.ContentGeneration"/>); every row's lineage carries it.</summary>
    public int ContentGeneration { get; private init; } = Lineage.FirstContentGeneration;

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
        text = new ExpansionGuardStream(decompressed, compressed, name, limits);
        lines = new ByteLineReader(text, limits.MaxLineBytes);
        current = new RawRowView(
            lines,
            [.. layout.Columns.Select(column => column.FromFileName ? Encoding.UTF8.GetBytes(FileNameValue(column, name)) : null)]);
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
    public static InboundFileReader Open(
        Stream content, InboundFileName name, InboundFileReaderLimits? limits = null, int contentGeneration = Lineage.FirstContentGeneration)
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

            reader = new InboundFileReader(name, limits, compressed, archive, decompressed) { ContentGeneration = contentGeneration };
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
    /// The data rows, streamed, each a copy with its values decoded; enumerate once (this or
    /// <see cref="ReadRowViews"/>). Blank lines are skipped; line numbers are physical (header = 1), so
    /// they still count.
    /// </summary>
    public IEnumerable<RawRow> ReadRows() => ReadRowViews().Select(row => row.ToRawRow());

    /// <summary>
    /// The data rows as bytes, streamed: one <see cref="RawRowView"/>, valid until the next row is
    /// requested. Enumerate once; blank lines are skipped as in <see cref="ReadRows"/>.
    /// </summary>
    public IEnumerable<RawRowView> ReadRowViews()
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

    private IEnumerable<RawRowView> EnumerateRows(HeaderColumns columns)
    {
        while (lines.MoveNext())
        {
            if (ReadCurrentRow(columns))
            {
                yield return current;
            }
        }
    }

    /// <summary>Makes <see cref="current"/> the current line's row; false for a blank line.</summary>
    private bool ReadCurrentRow(HeaderColumns columns)
    {
        var line = lines.Current;
        var lineNumber = lines.LineNumber;
        current.Start(new Lineage(name.FileName, name.Timestamp, lineNumber, ContentGeneration));
        if (lines.CurrentIsTooLong)
        {
            return Defective(
                RuleCodes.LineTooLong, null, $"line {lineNumber} is longer than the limit of {limits.MaxLineBytes} bytes", line);
        }

        if (IsBlank(line))
        {
            return false;
        }

        var split = DelimitedLineSplitter.TrySplit(line, (byte)Delimiter, fields, out var splitError);
        var fieldCountMatches = split && fields.Count == columns.Count;
        if (!Utf8.IsValid(line))
        {
            var field = fieldCountMatches ? BadlyEncodedField(line, columns) : null;
            var where = field is null ? string.Empty : $" in column '{field}'";
            return Defective(RuleCodes.InvalidEncoding, field, $"line {lineNumber} is not valid UTF-8{where}", line);
        }

        if (!split)
        {
            return Defective(RuleCodes.WrongColumnCount, null, splitError!, line);
        }

        if (!fieldCountMatches)
        {
            return Defective(
                RuleCodes.WrongColumnCount,
                null,
                $"line {lineNumber} has {fields.Count} fields; the header has {columns.Count}",
                line);
        }

        for (var field = 0; field < fields.Count; field++)
        {
            var column = columns.LayoutIndexOf(field);
            if (column >= 0)
            {
                current.SetValue(column, line, fields[field]);
            }
        }

        return true;
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

    private bool Defective(string rule, string? field, string message, ReadOnlySpan<byte> line)
    {
        current.SetDefect(new RowDefect(rule, field, message, Encoding.UTF8.GetString(line)));
        return true;
    }
}
