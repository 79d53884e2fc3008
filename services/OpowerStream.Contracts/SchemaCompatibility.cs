using Avro;

namespace OpowerStream.Contracts;

/// <summary>
/// Backward-transitive compatibility, as a schema registry's BACKWARD_TRANSITIVE: the current schema
/// must read data written with every earlier version, by Apache.Avro's resolution rules (records
/// matched by full name or alias, a field the reader adds must have a default, types must be equal or
/// promotable, unions and enums resolvable).
/// </summary>
public static class SchemaCompatibility
{
    /// <summary>The versions <paramref name="reader"/> cannot read, as "v2: ..." lines; empty when it reads them all.</summary>
    public static IReadOnlyList<string> UnreadableVersions(Schema reader, IReadOnlyList<Schema> writers)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writers);
        return
        [
            .. writers
                .Select((writer, index) => (Version: index + 1, Writer: writer))
                .Where(version => !reader.CanRead(version.Writer))
                .Select(version => $"v{version.Version}: {SchemaNormalization.ToParsingForm(version.Writer)}"),
        ];
    }
}
