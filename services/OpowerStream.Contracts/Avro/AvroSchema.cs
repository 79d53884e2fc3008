namespace OpowerStream.Contracts.Avro;

// The members are the specification's type names, which is what a reader looks for.
#pragma warning disable CA1720 // Identifier contains type name
public enum AvroType
{
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Record,
    Enum,
    Array,
    Map,
    Union,
    Fixed,
}
#pragma warning restore CA1720

/// <summary>
/// A logical type annotation (decimal, date, timestamp-millis, ...). The generic codec encodes the
/// underlying type; the annotation tells a caller how to interpret it.
/// </summary>
public sealed record LogicalTypeAnnotation(string Name, int? Precision = null, int? Scale = null);

/// <summary>A parsed Avro schema (Avro 1.11 specification).</summary>
public abstract class AvroSchema
{
    private string? canonicalForm;
    private ulong? fingerprint;

    private protected AvroSchema(AvroType type, LogicalTypeAnnotation? logicalType)
    {
        Type = type;
        LogicalType = logicalType;
    }

    public AvroType Type { get; }

    public LogicalTypeAnnotation? LogicalType { get; }

    /// <summary>The Parsing Canonical Form: what two schemas must share to read each other's bytes.</summary>
    public string CanonicalForm => canonicalForm ??= ParsingCanonicalForm.Write(this);

    /// <summary>CRC-64-AVRO of the UTF-8 canonical form, as single-object encoding carries it.</summary>
    public ulong Fingerprint => fingerprint ??= Crc64Avro.Compute(CanonicalForm);

    public static AvroSchema Parse(string json) => AvroSchemaParser.Parse(json);

    public override string ToString() => CanonicalForm;
}

/// <summary>null, boolean, int, long, float, double, bytes or string.</summary>
public sealed class PrimitiveSchema : AvroSchema
{
    internal PrimitiveSchema(AvroType type, LogicalTypeAnnotation? logicalType = null)
        : base(type, logicalType)
    {
    }
}

/// <summary>A record, enum or fixed: types with a full name that later schemas can refer to.</summary>
public abstract class NamedSchema : AvroSchema
{
    private protected NamedSchema(AvroType type, string fullName, string? doc, LogicalTypeAnnotation? logicalType)
        : base(type, logicalType)
    {
        FullName = fullName;
        Doc = doc;
    }

    /// <summary>Namespace-qualified name, e.g. <c>opowerstream.events.Lineage</c>.</summary>
    public string FullName { get; }

    public string Name => FullName[(FullName.LastIndexOf('.') + 1)..];

    public string? Doc { get; }
}

public sealed class RecordSchema : NamedSchema
{
    private IReadOnlyList<AvroField> fields = [];

    internal RecordSchema(string fullName, string? doc)
        : base(AvroType.Record, fullName, doc, logicalType: null)
    {
    }

    public IReadOnlyList<AvroField> Fields => fields;

    // Set after the record's name is registered, so a field can refer to its own record.
    internal void SetFields(IReadOnlyList<AvroField> parsedFields) => fields = parsedFields;
}

public sealed record AvroField(string Name, AvroSchema Schema, string? Doc);

public sealed class EnumSchema : NamedSchema
{
    internal EnumSchema(string fullName, string? doc, IReadOnlyList<string> symbols)
        : base(AvroType.Enum, fullName, doc, logicalType: null)
    {
        Symbols = symbols;
    }

    public IReadOnlyList<string> Symbols { get; }
}

public sealed class FixedSchema : NamedSchema
{
    internal FixedSchema(string fullName, string? doc, int size, LogicalTypeAnnotation? logicalType)
        : base(AvroType.Fixed, fullName, doc, logicalType)
    {
        Size = size;
    }

    public int Size { get; }
}

public sealed class ArraySchema : AvroSchema
{
    internal ArraySchema(AvroSchema items)
        : base(AvroType.Array, logicalType: null)
    {
        Items = items;
    }

    public AvroSchema Items { get; }
}

public sealed class MapSchema : AvroSchema
{
    internal MapSchema(AvroSchema values)
        : base(AvroType.Map, logicalType: null)
    {
        Values = values;
    }

    public AvroSchema Values { get; }
}

public sealed class UnionSchema : AvroSchema
{
    internal UnionSchema(IReadOnlyList<AvroSchema> branches)
        : base(AvroType.Union, logicalType: null)
    {
        Branches = branches;
    }

    public IReadOnlyList<AvroSchema> Branches { get; }
}
