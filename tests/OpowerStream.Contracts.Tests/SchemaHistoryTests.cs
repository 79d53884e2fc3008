using Avro;
using OpowerStream.Domain;
using OpowerStream.Testing;

namespace OpowerStream.Contracts.Tests;

/// <summary>
/// Every schema version ever published stays in schemas/history and stays readable: the current file is
/// the newest history entry, and the current schema reads every earlier version (BACKWARD_TRANSITIVE).
/// </summary>
public class SchemaHistoryTests
{
    private static readonly string[] SchemaFileNames =
    [
        .. Enum.GetValues<Entity>().Select(EventSchemas.FileName),
        EventSchemas.RejectedRowFileName,
        EventSchemas.FileEventFileName,
    ];

    public static TheoryData<string> SchemaFiles => [.. SchemaFileNames];

    [Fact]
    public void Every_schema_file_in_the_repository_has_a_history()
    {
        var files = Directory.GetFiles(RepositoryRoot.Combine("schemas"), "*.avsc").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        var histories = Directory.GetDirectories(RepositoryRoot.Combine("schemas", "history")).Select(dir => Path.GetFileName(dir) + ".avsc").Order(StringComparer.Ordinal);

        Assert.Equal(files, histories);
        Assert.Equal(files, SchemaFileNames.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void The_current_schema_file_is_byte_for_byte_its_newest_published_version(string schemaFile)
    {
        var history = Path.Combine(RepositoryRoot.Combine("schemas", "history"), Path.GetFileNameWithoutExtension(schemaFile));
        var versions = Directory.GetFiles(history, "v*.avsc");
        var newest = Path.Combine(history, $"v{versions.Length}.avsc");

        Assert.Equal(File.ReadAllBytes(RepositoryRoot.Combine("schemas", schemaFile)), File.ReadAllBytes(newest));
        Assert.Equal(EventSchemas.Load(schemaFile), EventSchemas.History(schemaFile)[^1]);
    }

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void The_current_schema_reads_every_earlier_version(string schemaFile)
    {
        var history = EventSchemas.History(schemaFile).Select(Schema.Parse).ToList();

        Assert.Empty(SchemaCompatibility.UnreadableVersions(Schema.Parse(EventSchemas.Load(schemaFile)), history));
    }

    [Fact]
    public void Adding_a_field_with_a_default_is_compatible()
    {
        var added = Lineage(("source_file", "\"string\"", null), ("content_generation", "\"int\"", "1"));

        Assert.Empty(SchemaCompatibility.UnreadableVersions(added, [Lineage(("source_file", "\"string\"", null))]));
    }

    [Fact]
    public void Promoting_int_to_long_is_compatible()
    {
        Assert.Empty(SchemaCompatibility.UnreadableVersions(Lineage(("line", "\"long\"", null)), [Lineage(("line", "\"int\"", null))]));
    }

    [Fact]
    public void Adding_a_field_without_a_default_is_incompatible()
    {
        var v1 = Lineage(("source_file", "\"string\"", null));
        var v2 = Lineage(("source_file", "\"string\"", null), ("content_generation", "\"int\"", null));

        var unreadable = SchemaCompatibility.UnreadableVersions(v2, [v1]);

        Assert.StartsWith("v1: ", Assert.Single(unreadable), StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_a_string_to_an_int_is_incompatible()
    {
        var v1 = Lineage(("line", "\"string\"", null));
        var v2 = Lineage(("line", "\"long\"", null));

        Assert.Single(SchemaCompatibility.UnreadableVersions(v2, [v1]));
    }

    [Fact]
    public void Renaming_the_record_is_incompatible_unless_the_old_name_is_an_alias()
    {
        var v1 = Schema.Parse("""{"type":"record","name":"a.Old","fields":[{"name":"x","type":"long"}]}""");
        var renamed = Schema.Parse("""{"type":"record","name":"a.New","fields":[{"name":"x","type":"long"}]}""");
        var aliased = Schema.Parse("""{"type":"record","name":"a.New","aliases":["a.Old"],"fields":[{"name":"x","type":"long"}]}""");

        Assert.Single(SchemaCompatibility.UnreadableVersions(renamed, [v1]));
        Assert.Empty(SchemaCompatibility.UnreadableVersions(aliased, [v1]));
    }

    [Fact]
    public void Only_the_versions_the_reader_cannot_read_are_named()
    {
        var v1 = Lineage(("line", "\"string\"", null));
        var v2 = Lineage(("line", "\"long\"", null));
        var v3 = Lineage(("line", "\"long\"", null), ("content_generation", "\"int\"", "1"));

        var unreadable = SchemaCompatibility.UnreadableVersions(v3, [v1, v2, v3]);

        Assert.StartsWith("v1: ", Assert.Single(unreadable), StringComparison.Ordinal);
    }

    /// <summary>A record named like the lineage, with the given fields (name, type, default or null for none).</summary>
    private static Schema Lineage(params (string Name, string Type, string? Default)[] fields) =>
        Schema.Parse($$"""
            {"type":"record","name":"opowerstream.events.Lineage","fields":[{{string.Join(",", fields.Select(f =>
                $$"""{"name":"{{f.Name}}","type":{{f.Type}}{{(f.Default is null ? "" : ",\"default\":" + f.Default)}}}"""))}}]}
            """);
}
