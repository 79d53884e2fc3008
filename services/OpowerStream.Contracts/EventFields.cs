using Avro.Generic;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;

namespace OpowerStream.Contracts;

/// <summary>
/// Field types the events share, as the Parsing Canonical Form the .avsc must have for them and as
/// direct writes and reads (the serializers run per row, so no schema walking on the hot path).
/// </summary>
internal static class EventFields
{
    public const string String = "\"string\"";
    public const string Bytes = "\"bytes\"";
    public const string NullableString = "[\"null\",\"string\"]";

    public const string Lineage =
        "{\"name\":\"opowerstream.events.Lineage\",\"type\":\"record\",\"fields\":["
        + "{\"name\":\"source_file\",\"type\":\"string\"},"
        + "{\"name\":\"file_timestamp\",\"type\":\"long\"},"
        + "{\"name\":\"line\",\"type\":\"long\"},"
        + "{\"name\":\"content_generation\",\"type\":\"int\"}]}";

    public static void WriteLineage(AvroWriter writer, Lineage lineage)
    {
        writer.WriteString(lineage.SourceFile);
        WriteLineageNumbers(writer, lineage);
    }

    /// <summary>The lineage, its source file encoded once per file through <paramref name="sourceFiles"/> instead of once per event.</summary>
    public static void WriteLineage(AvroWriter writer, Lineage lineage, RepeatedString sourceFiles)
    {
        writer.WriteString(lineage.SourceFile, sourceFiles);
        WriteLineageNumbers(writer, lineage);
    }

    public static Lineage ReadLineage(ref AvroReader reader) =>
        new(reader.ReadString(), reader.ReadLong(), reader.ReadLong(), reader.ReadInt());

    /// <summary>The lineage, its source file taken from <paramref name="sourceFiles"/> when it repeats (one string per file, not per event).</summary>
    public static Lineage ReadLineage(ref AvroReader reader, RepeatedString sourceFiles) =>
        new(reader.ReadString(sourceFiles), reader.ReadLong(), reader.ReadLong(), reader.ReadInt());

    /// <summary>
    /// The lineage of a record Apache.Avro resolved to the current schema (an event of an earlier
    /// version; v1 had no content_generation, which then takes its default, 1).
    /// </summary>
    public static Lineage LineageFrom(GenericRecord record)
    {
        var lineage = (GenericRecord)record["lineage"];
        return new((string)lineage["source_file"], (long)lineage["file_timestamp"], (long)lineage["line"], (int)lineage["content_generation"]);
    }

    private static void WriteLineageNumbers(AvroWriter writer, Lineage lineage)
    {
        writer.WriteLong(lineage.FileTimestamp);
        writer.WriteLong(lineage.Line);
        writer.WriteInt(lineage.ContentGeneration);
    }

    public static void WriteNullableString(AvroWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteUnionIndex(0);
        }
        else
        {
            writer.WriteUnionIndex(1);
            writer.WriteString(value);
        }
    }

    public static string? ReadNullableString(ref AvroReader reader) =>
        reader.ReadUnionIndex(2) == 0 ? null : reader.ReadString();
}
