using System.Globalization;
using System.Text.Json;

namespace OpowerStream.Contracts.Avro;

/// <summary>Parses Avro schema JSON into <see cref="AvroSchema"/>, resolving names and namespaces.</summary>
internal sealed class AvroSchemaParser
{
    private readonly Dictionary<string, NamedSchema> namedTypes = new(StringComparer.Ordinal);

    public static AvroSchema Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return new AvroSchemaParser().ParseSchema(document.RootElement, enclosingNamespace: null);
        }
        catch (JsonException e)
        {
            throw new AvroContractException($"Invalid Avro schema: not JSON ({e.Message}).", e);
        }
    }

    private AvroSchema ParseSchema(JsonElement element, string? enclosingNamespace) => element.ValueKind switch
    {
        JsonValueKind.String => ResolveTypeName(element.GetString()!, enclosingNamespace),
        JsonValueKind.Array => ParseUnion(element, enclosingNamespace),
        JsonValueKind.Object => ParseComplex(element, enclosingNamespace),
        _ => throw Invalid($"a schema must be a type name, an object or a union array, not {element.ValueKind}"),
    };

    private AvroSchema ResolveTypeName(string name, string? enclosingNamespace)
    {
        if (TryPrimitive(name, logicalType: null) is { } primitive)
        {
            return primitive;
        }

        if (!name.Contains('.', StringComparison.Ordinal) && enclosingNamespace is not null
            && namedTypes.TryGetValue(enclosingNamespace + "." + name, out var inNamespace))
        {
            return inNamespace;
        }

        return namedTypes.TryGetValue(name, out var named) ? named : throw Invalid($"unknown type '{name}'");
    }

    private static PrimitiveSchema? TryPrimitive(string name, LogicalTypeAnnotation? logicalType) => name switch
    {
        "null" => new(AvroType.Null, logicalType),
        "boolean" => new(AvroType.Boolean, logicalType),
        "int" => new(AvroType.Int, logicalType),
        "long" => new(AvroType.Long, logicalType),
        "float" => new(AvroType.Float, logicalType),
        "double" => new(AvroType.Double, logicalType),
        "bytes" => new(AvroType.Bytes, logicalType),
        "string" => new(AvroType.String, logicalType),
        _ => null,
    };

    private UnionSchema ParseUnion(JsonElement element, string? enclosingNamespace)
    {
        var branches = new List<AvroSchema>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in element.EnumerateArray())
        {
            var branch = ParseSchema(item, enclosingNamespace);
            if (branch.Type == AvroType.Union)
            {
                throw Invalid("a union may not directly contain another union");
            }

            // Unions tell branches apart by type, and named types by name.
            var key = branch is NamedSchema named ? named.FullName : branch.Type.ToString();
            if (!seen.Add(key))
            {
                throw Invalid($"union contains '{key}' twice");
            }

            branches.Add(branch);
        }

        return new UnionSchema(branches);
    }

    private AvroSchema ParseComplex(JsonElement element, string? enclosingNamespace)
    {
        var typeElement = Required(element, "type");
        if (typeElement.ValueKind != JsonValueKind.String)
        {
            // {"type": {...}} or {"type": [...]}: a wrapped schema.
            return ParseSchema(typeElement, enclosingNamespace);
        }

        var typeName = typeElement.GetString()!;
        var logicalType = ParseLogicalType(element);
        switch (typeName)
        {
            case "record":
            case "error":
                return ParseRecord(element, enclosingNamespace);
            case "enum":
                return ParseEnum(element, enclosingNamespace);
            case "fixed":
                return ParseFixed(element, enclosingNamespace, logicalType);
            case "array":
                return new ArraySchema(ParseSchema(Required(element, "items"), enclosingNamespace));
            case "map":
                return new MapSchema(ParseSchema(Required(element, "values"), enclosingNamespace));
            default:
                return TryPrimitive(typeName, logicalType) ?? ResolveTypeName(typeName, enclosingNamespace);
        }
    }

    private RecordSchema ParseRecord(JsonElement element, string? enclosingNamespace)
    {
        var fullName = FullName(element, enclosingNamespace);
        var record = Register(new RecordSchema(fullName, OptionalString(element, "doc")));
        var recordNamespace = NamespaceOf(fullName);
        var fieldsElement = Required(element, "fields");
        if (fieldsElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"record '{fullName}' needs a 'fields' array");
        }

        var fields = new List<AvroField>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fieldElement in fieldsElement.EnumerateArray())
        {
            var name = RequiredName(fieldElement, "field");
            if (!names.Add(name))
            {
                throw Invalid($"record '{fullName}' has field '{name}' twice");
            }

            var schema = ParseSchema(Required(fieldElement, "type"), recordNamespace);
            fields.Add(new AvroField(name, schema, OptionalString(fieldElement, "doc")));
        }

        record.SetFields(fields);
        return record;
    }

    private EnumSchema ParseEnum(JsonElement element, string? enclosingNamespace)
    {
        var fullName = FullName(element, enclosingNamespace);
        var symbolsElement = Required(element, "symbols");
        if (symbolsElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"enum '{fullName}' needs a 'symbols' array");
        }

        var symbols = new List<string>();
        foreach (var symbol in symbolsElement.EnumerateArray())
        {
            var text = symbol.ValueKind == JsonValueKind.String ? symbol.GetString()! : string.Empty;
            if (!IsValidName(text) || symbols.Contains(text))
            {
                throw Invalid($"enum '{fullName}' has an invalid or repeated symbol '{symbol}'");
            }

            symbols.Add(text);
        }

        return Register(new EnumSchema(fullName, OptionalString(element, "doc"), symbols));
    }

    private FixedSchema ParseFixed(JsonElement element, string? enclosingNamespace, LogicalTypeAnnotation? logicalType)
    {
        var fullName = FullName(element, enclosingNamespace);
        var sizeElement = Required(element, "size");
        if (sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt32(out var size) || size < 0)
        {
            throw Invalid($"fixed '{fullName}' needs a non-negative integer 'size'");
        }

        return Register(new FixedSchema(fullName, OptionalString(element, "doc"), size, logicalType));
    }

    private T Register<T>(T schema)
        where T : NamedSchema
    {
        if (!namedTypes.TryAdd(schema.FullName, schema))
        {
            throw Invalid($"type '{schema.FullName}' is defined twice");
        }

        return schema;
    }

    private static LogicalTypeAnnotation? ParseLogicalType(JsonElement element)
    {
        if (OptionalString(element, "logicalType") is not { } name)
        {
            return null;
        }

        return new LogicalTypeAnnotation(name, OptionalInt(element, "precision"), OptionalInt(element, "scale"));
    }

    private static string FullName(JsonElement element, string? enclosingNamespace)
    {
        var name = RequiredString(element, "name");
        ValidateFullName(name);
        if (name.Contains('.', StringComparison.Ordinal))
        {
            return name;
        }

        var space = element.TryGetProperty("namespace", out var namespaceElement) && namespaceElement.ValueKind != JsonValueKind.Null
            ? namespaceElement.GetString()
            : enclosingNamespace;
        if (string.IsNullOrEmpty(space))
        {
            return name;
        }

        ValidateFullName(space);
        return space + "." + name;
    }

    private static string? NamespaceOf(string fullName)
    {
        var dot = fullName.LastIndexOf('.');
        return dot < 0 ? null : fullName[..dot];
    }

    private static void ValidateFullName(string name)
    {
        foreach (var part in name.Split('.'))
        {
            if (!IsValidName(part))
            {
                throw Invalid($"'{name}' is not a valid Avro name");
            }
        }
    }

    private static bool IsValidName(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.AsSpan(1).IndexOfAnyExcept(NameCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> NameCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

    private static string RequiredName(JsonElement element, string what)
    {
        var name = RequiredString(element, "name");
        return IsValidName(name) ? name : throw Invalid($"'{name}' is not a valid {what} name");
    }

    private static JsonElement Required(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value
            : throw Invalid($"missing '{property}' in {element}");

    private static string RequiredString(JsonElement element, string property)
    {
        var value = Required(element, property);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid($"'{property}' must be a string in {element}");
    }

    private static string? OptionalString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? OptionalInt(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;

    private static AvroContractException Invalid(string reason) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Invalid Avro schema: {reason}."));
}
