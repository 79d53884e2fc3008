namespace OpowerStream.Kafka;

/// <summary>
/// Reads a Java properties file the way Kafka's own tools take <c>--command-config</c>: <c>key=value</c> (or
/// <c>key: value</c>) lines, <c>#</c> and <c>!</c> comment lines, blank lines, a line ending in a backslash
/// continued on the next. Operators keep one client.properties for Kafka's tools and ours.
/// </summary>
public static class JavaProperties
{
    public static Dictionary<string, string> Read(string path)
    {
        using var reader = File.OpenText(path);
        return Parse(reader);
    }

    public static Dictionary<string, string> Parse(TextReader text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        while (ReadLogicalLine(text) is { } line)
        {
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            var key = (separator < 0 ? line : line[..separator]).TrimEnd();
            properties[key] = separator < 0 ? string.Empty : line[(separator + 1)..].Trim();
        }

        return properties;
    }

    /// <summary>The next line without its leading blanks, joined with the lines its trailing backslashes continue it on; null at the end.</summary>
    private static string? ReadLogicalLine(TextReader text)
    {
        var line = text.ReadLine()?.TrimStart();
        while (line is not null && line.EndsWith('\\') && text.ReadLine() is { } next)
        {
            line = line[..^1] + next.TrimStart();
        }

        return line;
    }
}
