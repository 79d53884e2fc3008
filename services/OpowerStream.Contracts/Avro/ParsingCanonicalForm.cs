using System.Globalization;
using System.Text;

namespace OpowerStream.Contracts.Avro;

/// <summary>
/// Writes a schema's Parsing Canonical Form (Avro 1.11 specification): primitives as bare names, full
/// names, only the attributes that matter for reading (name, type, fields, symbols, items, values,
/// size, in that order), no whitespace; a named type already written appears again as its name.
/// </summary>
internal static class ParsingCanonicalForm
{
    public static string Write(AvroSchema schema)
    {
        var builder = new StringBuilder();
        Write(schema, builder, new HashSet<string>(StringComparer.Ordinal));
        return builder.ToString();
    }

    private static void Write(AvroSchema schema, StringBuilder output, HashSet<string> writtenNames)
    {
        switch (schema)
        {
            case NamedSchema named when !writtenNames.Add(named.FullName):
                Quoted(output, named.FullName);
                break;
            case RecordSchema record:
                NameAndType(output, record.FullName, "record").Append(",\"fields\":[");
                for (var i = 0; i < record.Fields.Count; i++)
                {
                    output.Append(i == 0 ? "{\"name\":" : ",{\"name\":");
                    Quoted(output, record.Fields[i].Name).Append(",\"type\":");
                    Write(record.Fields[i].Schema, output, writtenNames);
                    output.Append('}');
                }

                output.Append("]}");
                break;
            case EnumSchema enumSchema:
                NameAndType(output, enumSchema.FullName, "enum").Append(",\"symbols\":[");
                for (var i = 0; i < enumSchema.Symbols.Count; i++)
                {
                    Quoted(output.Append(i == 0 ? string.Empty : ","), enumSchema.Symbols[i]);
                }

                output.Append("]}");
                break;
            case FixedSchema fixedSchema:
                NameAndType(output, fixedSchema.FullName, "fixed")
                    .Append(",\"size\":").Append(fixedSchema.Size.ToString(CultureInfo.InvariantCulture)).Append('}');
                break;
            case ArraySchema array:
                output.Append("{\"type\":\"array\",\"items\":");
                Write(array.Items, output, writtenNames);
                output.Append('}');
                break;
            case MapSchema map:
                output.Append("{\"type\":\"map\",\"values\":");
                Write(map.Values, output, writtenNames);
                output.Append('}');
                break;
            case UnionSchema union:
                output.Append('[');
                for (var i = 0; i < union.Branches.Count; i++)
                {
                    output.Append(i == 0 ? string.Empty : ",");
                    Write(union.Branches[i], output, writtenNames);
                }

                output.Append(']');
                break;
            default:
                Quoted(output, PrimitiveName(schema.Type));
                break;
        }
    }

    private static StringBuilder NameAndType(StringBuilder output, string fullName, string type) =>
        Quoted(output.Append("{\"name\":"), fullName).Append(",\"type\":\"").Append(type).Append('"');

    // Names and symbols are restricted to [A-Za-z0-9_.], so no JSON escaping is ever needed.
    private static StringBuilder Quoted(StringBuilder output, string text) => output.Append('"').Append(text).Append('"');

    internal static string PrimitiveName(AvroType type) => type switch
    {
        AvroType.Null => "null",
        AvroType.Boolean => "boolean",
        AvroType.Int => "int",
        AvroType.Long => "long",
        AvroType.Float => "float",
        AvroType.Double => "double",
        AvroType.Bytes => "bytes",
        AvroType.String => "string",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a primitive type"),
    };
}
