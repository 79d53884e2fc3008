using System.Buffers;
using System.Text;

namespace OpowerStream.Domain.Files;

/// <summary>
/// The data row an <see cref="InboundFileReader"/> stands on, its values as UTF-8 bytes in the order of
/// the entity's <see cref="EntityLayout"/>: what the extractor encodes and keys without turning every
/// value into a string and back. Valid until the reader moves on; <see cref="ToRawRow"/> keeps a copy.
/// </summary>
public sealed class RawRowView
{
    private readonly ByteLineReader lines;
    private readonly byte[]?[] fileNameValues;
    private readonly ValueSlot[] slots;
    private byte[] unescaped = new byte[256];
    private int unescapedLength;

    internal RawRowView(ByteLineReader lines, byte[]?[] fileNameValues)
    {
        this.lines = lines;
        this.fileNameValues = fileNameValues;
        slots = new ValueSlot[fileNameValues.Length];
    }

    private enum Source : byte
    {
        Missing,
        Line,
        Unescaped,
        FileName,
    }

    public Lineage Lineage { get; private set; }

    /// <summary>Why the row has no usable values (wrong_column_count, invalid_encoding), or null.</summary>
    public RowDefect? Defect { get; private set; }

    /// <summary>The number of layout columns.</summary>
    public int Count => slots.Length;

    /// <summary>The column's value as UTF-8; false where the row has no such value (a null).</summary>
    public bool TryGetValue(int column, out ReadOnlySpan<byte> utf8)
    {
        var slot = slots[column];
        utf8 = slot.Source switch
        {
            Source.Line => lines.Current.Slice(slot.Start, slot.Length),
            Source.Unescaped => unescaped.AsSpan(slot.Start, slot.Length),
            Source.FileName => fileNameValues[column],
            _ => default,
        };
        return slot.Source != Source.Missing;
    }

    /// <summary>
    /// The column's value without the white space around it (what <see cref="string.Trim()"/> removes from
    /// the decoded value); empty for a null.
    /// </summary>
    public ReadOnlySpan<byte> TrimmedValue(int column)
    {
        if (!TryGetValue(column, out var value))
        {
            return [];
        }

        while (Rune.DecodeFromUtf8(value, out var first, out var length) == OperationStatus.Done && Rune.IsWhiteSpace(first))
        {
            value = value[length..];
        }

        while (Rune.DecodeLastFromUtf8(value, out var last, out var length) == OperationStatus.Done && Rune.IsWhiteSpace(last))
        {
            value = value[..^length];
        }

        return value;
    }

    /// <summary>The row with its values decoded to strings, independent of the reader.</summary>
    public RawRow ToRawRow()
    {
        var values = new string?[slots.Length];
        for (var column = 0; column < values.Length; column++)
        {
            values[column] = TryGetValue(column, out var utf8) ? Encoding.UTF8.GetString(utf8) : null;
        }

        return new RawRow(Lineage, values, Defect);
    }

    /// <summary>Starts the next row: no values but those the file name gives.</summary>
    internal void Start(Lineage lineage)
    {
        Lineage = lineage;
        Defect = null;
        unescapedLength = 0;
        for (var column = 0; column < slots.Length; column++)
        {
            slots[column] = new ValueSlot(fileNameValues[column] is null ? Source.Missing : Source.FileName, 0, 0);
        }
    }

    /// <summary>Marks the row defective: it keeps no values at all.</summary>
    internal void SetDefect(RowDefect defect)
    {
        Defect = defect;
        Array.Clear(slots);
    }

    /// <summary>Takes the column's value from <paramref name="field"/> of the current line, unescaping <c>""</c>.</summary>
    internal void SetValue(int column, ReadOnlySpan<byte> line, FieldRange field)
    {
        if (!field.HasEscapedQuotes)
        {
            slots[column] = new ValueSlot(Source.Line, field.Start, field.Length);
            return;
        }

        var start = unescapedLength;
        var value = line.Slice(field.Start, field.Length);
        EnsureUnescapedRoom(value.Length);
        var length = 0;
        for (var i = 0; i < value.Length; i++)
        {
            unescaped[start + length++] = value[i];
            if (value[i] == (byte)'"')
            {
                i++; // the second quote of a "" pair
            }
        }

        unescapedLength += length;
        slots[column] = new ValueSlot(Source.Unescaped, start, length);
    }

    private void EnsureUnescapedRoom(int bytes)
    {
        if (unescapedLength + bytes > unescaped.Length)
        {
            Array.Resize(ref unescaped, Math.Max(unescaped.Length * 2, unescapedLength + bytes));
        }
    }

    private readonly record struct ValueSlot(Source Source, int Start, int Length);
}
