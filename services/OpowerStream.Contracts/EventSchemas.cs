using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;

namespace OpowerStream.Contracts;

/// <summary>The embedded .avsc files (copied from schemas/ at build) and event-to-entity lookup.</summary>
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

    /// <summary>Which entity's row event this is, from the fingerprint in its single-object header.</summary>
    public static bool TryGetEntity(ReadOnlySpan<byte> singleObject, out Entity entity)
    {
        if (SingleObjectEncoding.TryReadFingerprint(singleObject, out var fingerprint))
        {
            foreach (var candidate in Enum.GetValues<Entity>())
            {
                if (RawRowSerializer.For(candidate).Fingerprint == fingerprint)
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
