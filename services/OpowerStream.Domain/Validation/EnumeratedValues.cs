using System.Diagnostics.CodeAnalysis;

namespace OpowerStream.Domain.Validation;

/// <summary>
/// An allowed list, matched case-insensitively and mapped to its upper-case spelling. Enumerated values
/// are key parts, so "kwh" and "KWH" must not become two keys. Lookups take a span and return the
/// list's own string instance, so matching allocates nothing.
/// </summary>
internal sealed class EnumeratedValues
{
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> canonicalBySpelling;

    /// <param name="allowed">The allowed values, in any case.</param>
    /// <param name="aliases">Older spellings accepted for an allowed value (alias, allowed value).</param>
    public EnumeratedValues(IEnumerable<string> allowed, params (string Alias, string Value)[] aliases)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var listing = new List<string>();
        foreach (var value in allowed)
        {
            var canonical = value.Trim().ToUpperInvariant();
            if (map.TryAdd(canonical, canonical))
            {
                listing.Add(canonical);
            }
        }

        foreach (var (alias, value) in aliases)
        {
            if (map.TryGetValue(value, out var canonical))
            {
                map.TryAdd(alias, canonical);
            }
        }

        canonicalBySpelling = map.GetAlternateLookup<ReadOnlySpan<char>>();
        Listing = string.Join(", ", listing);
    }

    /// <summary>The allowed values for messages, e.g. <c>ELECTRIC, GAS, WATER</c>.</summary>
    public string Listing { get; }

    public bool TryGetCanonical(ReadOnlySpan<char> text, [NotNullWhen(true)] out string? canonical) =>
        canonicalBySpelling.TryGetValue(text, out canonical);
}
