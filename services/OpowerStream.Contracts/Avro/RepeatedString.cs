namespace OpowerStream.Contracts.Avro;

/// <summary>
/// The last string <see cref="AvroReader.ReadString(RepeatedString)"/> decoded, with its UTF-8 bytes. Safe to
/// share between threads: the pair is replaced as a whole, and a reader that misses only decodes again.
/// </summary>
public sealed class RepeatedString
{
    private Entry? last;

    internal string? Find(ReadOnlySpan<byte> utf8) =>
        Volatile.Read(ref last) is { } entry && utf8.SequenceEqual(entry.Utf8) ? entry.Text : null;

    internal void Remember(ReadOnlySpan<byte> utf8, string text) => Volatile.Write(ref last, new Entry(utf8.ToArray(), text));

    private sealed record Entry(byte[] Utf8, string Text);
}
