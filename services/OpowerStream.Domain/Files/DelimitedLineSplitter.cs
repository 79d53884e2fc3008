using System.Text;

namespace OpowerStream.Domain.Files;

/// <summary>Where one field's bytes sit in its line; quoted fields exclude the enclosing quotes.</summary>
internal readonly record struct FieldRange(int Start, int Length, bool HasEscapedQuotes);

/// <summary>
/// Splits one line into fields at the byte level (delimiters and quotes are ASCII, which never occur
/// inside a multi-byte UTF-8 sequence). Tab mode: no quoting. Comma mode: RFC 4180 quoting.
/// [our rule] A record is one physical line: a quote still open at the end of the line fails the
/// row instead of swallowing the following lines, so one stray quote cannot eat the rest of a file.
/// </summary>
internal static class DelimitedLineSplitter
{
    private const byte Quote = (byte)'"';

    /// <summary>Fills <paramref name="fields"/>; on false, <paramref name="error"/> says why.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> line, byte delimiter, List<FieldRange> fields, out string? error)
    {
        fields.Clear();
        error = null;
        var quoting = delimiter == (byte)',';
        var position = 0;
        while (true)
        {
            if (quoting && position < line.Length && line[position] == Quote)
            {
                if (!TryReadQuoted(line, position, fields, out position, out error))
                {
                    return false;
                }

                if (position == line.Length)
                {
                    return true;
                }

                if (line[position] != delimiter)
                {
                    error = $"unexpected character after the closing quote of field {fields.Count}";
                    return false;
                }

                position++;
                continue;
            }

            var delimiterAt = line[position..].IndexOf(delimiter);
            if (delimiterAt < 0)
            {
                fields.Add(new FieldRange(position, line.Length - position, false));
                return true;
            }

            fields.Add(new FieldRange(position, delimiterAt, false));
            position += delimiterAt + 1;
        }
    }

    /// <summary>The field's value: quotes removed, <c>""</c> unescaped.</summary>
    public static string Decode(ReadOnlySpan<byte> line, FieldRange field)
    {
        if (field.Length == 0)
        {
            return string.Empty;
        }

        var value = Encoding.UTF8.GetString(line.Slice(field.Start, field.Length));
        return field.HasEscapedQuotes ? value.Replace("\"\"", "\"", StringComparison.Ordinal) : value;
    }

    private static bool TryReadQuoted(
        ReadOnlySpan<byte> line, int openingQuote, List<FieldRange> fields, out int afterClosingQuote, out string? error)
    {
        var contentStart = openingQuote + 1;
        var position = contentStart;
        var hasEscapedQuotes = false;
        while (true)
        {
            var quoteAt = line[position..].IndexOf(Quote);
            if (quoteAt < 0)
            {
                afterClosingQuote = line.Length;
                error = "unterminated quoted field";
                return false;
            }

            position += quoteAt;
            if (position + 1 < line.Length && line[position + 1] == Quote)
            {
                hasEscapedQuotes = true;
                position += 2;
                continue;
            }

            fields.Add(new FieldRange(contentStart, position - contentStart, hasEscapedQuotes));
            afterClosingQuote = position + 1;
            error = null;
            return true;
        }
    }
}
