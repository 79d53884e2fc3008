using System.Text.Json.Nodes;
using OpowerStream.Domain;

namespace OpowerStream.Contracts.Tests.Interop;

/// <summary>A row as the JSON python3-avro shows it, to compare whole datums at once.</summary>
internal static class RowJson
{
    /// <summary>Plain values, as python3-avro's datums (and its DatumWriter's input) look.</summary>
    public static JsonObject Datum(Entity entity, RawRow row)
    {
        var datum = new JsonObject
        {
            ["lineage"] = new JsonObject
            {
                ["source_file"] = row.Lineage.SourceFile,
                ["file_timestamp"] = row.Lineage.FileTimestamp,
                ["line"] = row.Lineage.Line,
                ["content_generation"] = row.Lineage.ContentGeneration,
            },
        };
        var columns = EntityLayout.For(entity).Columns;
        for (var i = 0; i < columns.Count; i++)
        {
            datum[columns[i].Name] = row.Values[i];
        }

        datum["row_defect"] = row.Defect is null
            ? null
            : new JsonObject
            {
                ["rule"] = row.Defect.Rule,
                ["field"] = row.Defect.Field,
                ["message"] = row.Defect.Message,
                ["raw_line"] = row.Defect.RawLine,
            };
        return datum;
    }
}
