using System.Globalization;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;

namespace OpowerStream.Contracts;

/// <summary>
/// The embedded .avsc files (copied from schemas/ at build), every version of each ever published
/// (schemas/history/&lt;name&gt;/vN.avsc), and event-to-entity lookup.
/// </summary>
public static class EventSchemas
{
    public const string RejectedRowFileName = "rejected-row.avsc";

    public const string FileEventFileName = "file-event.avsc";

    public static string FileName(Entity entity) => entity switch
    {
        Entity.Rate => "rate-row.avsc",
        Entity.Interval => "interval-row.avsc",
        Entity.ServiceQuantity => "service-quantity-row.avsc",
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };

    /// <summary>The text of an embedded schema file, e.g. <c>interval-row.avsc</c>.</summary>
    public static string Load(string fileName)
    {
        var assembly = typeof(EventSchemas).Assembly;
        using var stream = assembly.GetManifestResourceStream("schemas/" + fileName)
            ?? throw new ArgumentException(
                $"No embedded schema '{fileName}'; embedded: {string.Join(", ", assembly.GetManifestResourceNames())}.",
                nameof(fileName));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Every published version of a schema file, oldest first (v1, v2, ...): what readers must still
    /// resolve. The newest equals the current file (a test holds them together).
    /// </summary>
    public static IReadOnlyList<string> History(string fileName)
    {
        var prefix = "schemas/history/" + Path.GetFileNameWithoutExtension(fileName) + "/v";
        var versions = typeof(EventSchemas).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".avsc", StringComparison.Ordinal))
            .Select(name => (Version: int.Parse(name[prefix.Length..^".avsc".Length], CultureInfo.InvariantCulture), Name: name))
            .OrderBy(version => version.Version)
            .ToList();
        if (versions.Count == 0 || versions[^1].Version != versions.Count)
        {
            throw new InvalidOperationException(
                $"The history of {fileName} must be v1.avsc to v{versions.Count}.avsc without gaps; found: {string.Join(", ", versions.Select(v => v.Name))}.");
        }

        return [.. versions.Select(version => Load(version.Name["schemas/".Length..]))];
    }

    /// <summary>Which entity's row event this is, from the fingerprint in its single-object header (of any published version).</summary>
    public static bool TryGetEntity(ReadOnlySpan<byte> singleObject, out Entity entity)
    {
        if (SingleObjectEncoding.TryReadFingerprint(singleObject, out var fingerprint))
        {
            foreach (var candidate in Enum.GetValues<Entity>())
            {
                if (RawRowSerializer.For(candidate).Reads(fingerprint))
                {
                    entity = candidate;
                    return true;
                }
            }
        }

        entity = default;
        return false;
    }
}
