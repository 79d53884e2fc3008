namespace OpowerStream.Contracts.Avro;

/// <summary>
/// The last string <see cref="AvroReader.ReadString(RepeatedString)"/> decoded or
/// <see cref="AvroWriter.WriteString(string, RepeatedString)"/> encoded, with its UTF-8 bytes: a file name
/// repeated in every event is converted once. Safe to share between threads: the pair is replaced as a
/// whole, and a reader or writer that misses only converts again.
/// </summary>
public sealed class RepeatedString
{
    private Entry? last;

    internal string? Find(ReadOnlySpan<byte> utf8) =>
        Volatile.Read(ref last) is { } entry && utf8.SequenceEqual(entry.Utf8) ? entry.Text : null;

    internal byte[]? FindUtf8(string text) =>
        Volatile.Read(ref last) is { } entry && string.Equals(text, entry.Text, StringComparison.Ordinal) ? entry.Utf8 : null;

    internal void Remember(ReadOnlySpan<byte> utf8, string text) => Volatile.Write(ref last, new Entry(utf8.ToArray(), text));

    private sealed record Entry(byte[] Utf8, string Text);
}
