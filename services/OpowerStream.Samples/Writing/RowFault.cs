namespace OpowerStream.Samples.Writing;

/// <summary>
/// A way to spoil a good row so that it fails exactly the rule <see cref="Rule"/> and nothing else.
/// The spoilt row keeps the good row's key (or breaks it), and the good row is never written, so a bad
/// row never shares a key with a good one.
/// </summary>
internal sealed record RowFault(string Rule, Func<string[], string[]> Spoil)
{
    /// <summary>A fault that replaces one column's value.</summary>
    public static RowFault Replace(string rule, IReadOnlyList<string> header, string column, Func<string, string> replace)
    {
        var index = IndexOf(header, column);
        return new(rule, fields =>
        {
            fields[index] = replace(fields[index]);
            return fields;
        });
    }

    /// <summary>Exchanges two columns' values (an end before its start).</summary>
    public static RowFault Swap(string rule, IReadOnlyList<string> header, string first, string second)
    {
        var (a, b) = (IndexOf(header, first), IndexOf(header, second));
        return new(rule, fields =>
        {
            (fields[a], fields[b]) = (fields[b], fields[a]);
            return fields;
        });
    }

    /// <summary>Drops the row's last field, so it has one column fewer than the header.</summary>
    public static RowFault DropLastField(string rule) => new(rule, fields => fields[..^1]);

    /// <summary>A decimal with seven fraction digits, one more than DECIMAL(18,6) allows.</summary>
    public static string TooManyFractionDigits(string value) =>
        value.Split('.') is [var whole, var fraction] ? $"{whole}.{fraction.PadRight(6, '0')}1" : $"{value}.0000001";

    private static int IndexOf(IReadOnlyList<string> header, string column)
    {
        for (var i = 0; i < header.Count; i++)
        {
            if (header[i] == column)
            {
                return i;
            }
        }

        throw new ArgumentException($"No column '{column}' in the header.", nameof(column));
    }
}
