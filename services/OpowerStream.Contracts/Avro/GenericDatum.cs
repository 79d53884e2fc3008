using System.Buffers;

namespace OpowerStream.Contracts.Avro;

/// <summary>
/// Schema-driven encoding of loosely typed values, for tests and tooling (the event serializers
/// write their fields directly). Values: null, bool, int, long, float, double, byte[] (bytes and
/// fixed), string (string and enum symbol), <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string
/// to value (record and map), <see cref="IList{T}"/> of values (array). A union takes the first
/// branch that accepts the value. Logical types are encoded as their underlying type.
/// </summary>
public static class GenericDatum
{
    /// <summary>
    /// Nesting allowed through recursive schemas: each level costs at least one input byte, so without
    /// a limit a crafted message could overflow the stack (which kills the process, not just the read).
    /// </summary>
    public const int MaxDepth = 512;

    public static byte[] Encode(AvroSchema schema, object? datum)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(schema, datum, new AvroWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one datum that must fill <paramref name="body"/> exactly.</summary>
    public static object? Decode(AvroSchema schema, ReadOnlySpan<byte> body)
    {
        var reader = new AvroReader(body);
        var datum = Read(schema, ref reader);
        return reader.IsAtEnd
            ? datum
            : throw new AvroContractException($"Malformed Avro data: {reader.Remaining} bytes left after the datum.");
    }

    public static void Write(AvroSchema schema, object? datum, AvroWriter writer)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Write(schema, datum, writer, depth: 0);
    }

    public static object? Read(AvroSchema schema, ref AvroReader reader)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return Read(schema, ref reader, depth: 0);
    }

    private static void Write(AvroSchema schema, object? datum, AvroWriter writer, int depth)
    {
        depth = Deeper(depth);
        switch (schema)
        {
            case RecordSchema record:
                var fields = As<IReadOnlyDictionary<string, object?>>(schema, datum);
                foreach (var field in record.Fields)
                {
                    if (!fields.TryGetValue(field.Name, out var value))
                    {
                        throw new AvroContractException($"Record {record.FullName} has no value for field '{field.Name}'.");
                    }

                    Write(field.Schema, value, writer, depth);
                }

                break;
            case EnumSchema enumSchema:
                var symbol = As<string>(schema, datum);
                var index = IndexOf(enumSchema, symbol);
                writer.WriteInt(index >= 0 ? index : throw Mismatch(schema, datum));
                break;
            case FixedSchema fixedSchema:
                var fixedBytes = As<byte[]>(schema, datum);
                writer.WriteFixed(fixedBytes.Length == fixedSchema.Size ? fixedBytes : throw Mismatch(schema, datum));
                break;
            case ArraySchema array:
                var items = As<IList<object?>>(schema, datum);
                if (items.Count > 0)
                {
                    writer.WriteBlockCount(items.Count);
                    foreach (var item in items)
                    {
                        Write(array.Items, item, writer, depth);
                    }
                }

                writer.WriteBlockCount(0);
                break;
            case MapSchema map:
                var entries = As<IReadOnlyDictionary<string, object?>>(schema, datum);
                if (entries.Count > 0)
                {
                    writer.WriteBlockCount(entries.Count);
                    foreach (var (key, value) in entries)
                    {
                        writer.WriteString(key);
                        Write(map.Values, value, writer, depth);
                    }
                }

                writer.WriteBlockCount(0);
                break;
            case UnionSchema union:
                var branch = BranchFor(union, datum);
                writer.WriteUnionIndex(branch);
                Write(union.Branches[branch], datum, writer, depth);
                break;
            default:
                WritePrimitive(schema, datum, writer);
                break;
        }
    }

    private static object? Read(AvroSchema schema, ref AvroReader reader, int depth)
    {
        depth = Deeper(depth);
        switch (schema)
        {
            case RecordSchema record:
                var fields = new Dictionary<string, object?>(record.Fields.Count, StringComparer.Ordinal);
                foreach (var field in record.Fields)
                {
                    fields[field.Name] = Read(field.Schema, ref reader, depth);
                }

                return fields;
            case EnumSchema enumSchema:
                var index = reader.ReadInt();
                return index >= 0 && index < enumSchema.Symbols.Count
                    ? enumSchema.Symbols[index]
                    : throw new AvroContractException($"Malformed Avro data: enum {enumSchema.FullName} has no symbol {index}.");
            case FixedSchema fixedSchema:
                return reader.ReadFixed(fixedSchema.Size).ToArray();
            case ArraySchema array:
                var items = new List<object?>();
                for (var count = reader.ReadBlockCount(); count != 0; count = reader.ReadBlockCount())
                {
                    for (var i = 0L; i < count; i++)
                    {
                        items.Add(Read(array.Items, ref reader, depth));
                    }
                }

                return items;
            case MapSchema map:
                var entries = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var count = reader.ReadBlockCount(); count != 0; count = reader.ReadBlockCount())
                {
                    for (var i = 0L; i < count; i++)
                    {
                        var key = reader.ReadString();
                        entries[key] = Read(map.Values, ref reader, depth);
                    }
                }

                return entries;
            case UnionSchema union:
                return Read(union.Branches[reader.ReadUnionIndex(union.Branches.Count)], ref reader, depth);
            default:
                return schema.Type switch
                {
                    AvroType.Null => null,
                    AvroType.Boolean => reader.ReadBoolean(),
                    AvroType.Int => reader.ReadInt(),
                    AvroType.Long => reader.ReadLong(),
                    AvroType.Float => reader.ReadFloat(),
                    AvroType.Double => reader.ReadDouble(),
                    AvroType.Bytes => reader.ReadBytes(),
                    _ => reader.ReadString(),
                };
        }
    }

    private static int Deeper(int depth) =>
        depth < MaxDepth ? depth + 1 : throw new AvroContractException($"Avro datum nested deeper than {MaxDepth} levels.");

    private static void WritePrimitive(AvroSchema schema, object? datum, AvroWriter writer)
    {
        switch (schema.Type, datum)
        {
            case (AvroType.Null, null):
                break;
            case (AvroType.Boolean, bool value):
                writer.WriteBoolean(value);
                break;
            case (AvroType.Int, int value):
                writer.WriteInt(value);
                break;
            case (AvroType.Long, long value):
                writer.WriteLong(value);
                break;
            case (AvroType.Long, int value):
                writer.WriteLong(value);
                break;
            case (AvroType.Float, float value):
                writer.WriteFloat(value);
                break;
            case (AvroType.Double, double value):
                writer.WriteDouble(value);
                break;
            case (AvroType.Double, float value):
                writer.WriteDouble(value);
                break;
            case (AvroType.Bytes, byte[] value):
                writer.WriteBytes(value);
                break;
            case (AvroType.String, string value):
                writer.WriteString(value);
                break;
            default:
                throw Mismatch(schema, datum);
        }
    }

    private static int BranchFor(UnionSchema union, object? datum)
    {
        for (var i = 0; i < union.Branches.Count; i++)
        {
            if (Accepts(union.Branches[i], datum))
            {
                return i;
            }
        }

        throw Mismatch(union, datum);
    }

    private static bool Accepts(AvroSchema schema, object? datum) => (schema, datum) switch
    {
        ({ Type: AvroType.Null }, null) => true,
        ({ Type: AvroType.Boolean }, bool) => true,
        ({ Type: AvroType.Int }, int) => true,
        ({ Type: AvroType.Long }, long or int) => true,
        ({ Type: AvroType.Float }, float) => true,
        ({ Type: AvroType.Double }, double or float) => true,
        ({ Type: AvroType.Bytes }, byte[]) => true,
        ({ Type: AvroType.String }, string) => true,
        (EnumSchema enumSchema, string symbol) => IndexOf(enumSchema, symbol) >= 0,
        (FixedSchema fixedSchema, byte[] bytes) => bytes.Length == fixedSchema.Size,
        (RecordSchema record, IReadOnlyDictionary<string, object?> fields) => record.Fields.All(f => fields.ContainsKey(f.Name)),
        (MapSchema, IReadOnlyDictionary<string, object?>) => true,
        (ArraySchema, IList<object?>) => true,
        _ => false,
    };

    private static int IndexOf(EnumSchema schema, string symbol)
    {
        for (var i = 0; i < schema.Symbols.Count; i++)
        {
            if (string.Equals(schema.Symbols[i], symbol, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static T As<T>(AvroSchema schema, object? datum) => datum is T value ? value : throw Mismatch(schema, datum);

    private static AvroContractException Mismatch(AvroSchema schema, object? datum) =>
        new($"Value {datum ?? "null"} ({datum?.GetType().Name ?? "null"}) does not fit schema {schema.CanonicalForm}.");
}
