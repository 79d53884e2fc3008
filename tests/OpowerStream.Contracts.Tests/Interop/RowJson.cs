using System.Text.Json.Nodes;
using OpowerStream.Domain;

namespace OpowerStream.Contracts.Tests.Interop;

/// <summary>A row as the JSON Apache Avro tools show it, to compare whole datums at once.</summary>
internal static class RowJson
{
    /// <summary>Plain values, as python3-avro's datums (and its DatumWriter's input) look.</summary>
    public static JsonObject Datum(Entity entity, RawRow row) =>
        Build(entity, row, value => value, defect => defect);

    /// <summary>
    /// Avro's JSON encoding as avrocat prints it: a non-null union value wrapped in its branch name
    /// (avro-c labels a record branch with its short name, where the specification says full name).
    /// </summary>
    public static JsonObject AvroJson(Entity entity, RawRow row) =>
        Build(
            entity,
            row,
            value => value is null ? null : new JsonObject { ["string"] = value },
            defect => new JsonObject { ["RowDefect"] = defect });

    private static JsonObject Build(Entity entity, RawRow row, Func<JsonNode?, JsonNode?> nullableString, Func<JsonObject, JsonNode> defectBranch)
    {
        var datum = new JsonObject
        {
            ["lineage"] = new JsonObject
            {
                ["source_file"] = row.Lineage.SourceFile,
                ["file_timestamp"] = row.Lineage.FileTimestamp,
                ["line"] = row.Lineage.Line,
            },
        };
        var columns = EntityLayout.For(entity).Columns;
        for (var i = 0; i < columns.Count; i++)
        {
            datum[columns[i].Name] = nullableString(row.Values[i]);
        }

        datum["row_defect"] = row.Defect is null
            ? null
            : defectBranch(new JsonObject
            {
                ["rule"] = row.Defect.Rule,
                ["field"] = nullableString(row.Defect.Field),
                ["message"] = row.Defect.Message,
                ["raw_line"] = row.Defect.RawLine,
            });
        return datum;
    }
}
