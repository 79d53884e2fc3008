using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;

namespace OpowerStream.Contracts;

/// <summary>Encodes <see cref="RejectedRowEvent"/> as a single-object Avro event of rejected-row.avsc, and back.</summary>
public sealed class RejectedRowSerializer : SingleObjectSerializer
{
    private const string RecordName = "opowerstream.events.RejectedRowEvent";

    private static readonly (string Name, string Type)[] Fields =
    [
        ("entity", EventFields.String),
        ("lineage", EventFields.Lineage),
        ("rule", EventFields.String),
        ("field", EventFields.NullableString),
        ("message", EventFields.String),
        ("raw_row", EventFields.String),
        ("original_event", EventFields.Bytes),
    ];

    private static readonly Lazy<RejectedRowSerializer> LazyInstance =
        new(() => new RejectedRowSerializer(EventSchemas.Load(EventSchemas.RejectedRowFileName)));

    internal RejectedRowSerializer(string schemaJson)
        : base(schemaJson, RecordName, Fields, $"The dead-letter event schema ({EventSchemas.RejectedRowFileName})", $"dead-letter event {RecordName}")
    {
    }

    public static RejectedRowSerializer Instance => LazyInstance.Value;

    public byte[] Serialize(RejectedRowEvent rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        var buffer = EventBuffer.Rent();
        var writer = StartEvent(buffer);
        writer.WriteString(rejected.Entity.Name());
        EventFields.WriteLineage(writer, rejected.Lineage);
        writer.WriteString(rejected.Rule);
        EventFields.WriteNullableString(writer, rejected.Field);
        writer.WriteString(rejected.Message);
        writer.WriteString(rejected.RawRow);
        writer.WriteBytes(rejected.OriginalEvent);
        return buffer.WrittenSpan.ToArray();
    }

    public RejectedRowEvent Deserialize(ReadOnlySpan<byte> singleObject)
    {
        var reader = OpenEvent(singleObject);
        var entityName = reader.ReadString();
        if (!EntityNames.TryParse(entityName, out var entity))
        {
            throw new AvroContractException($"Malformed dead-letter event: unknown entity '{entityName}'.");
        }

        var rejected = new RejectedRowEvent(
            entity,
            EventFields.ReadLineage(ref reader),
            Rule: reader.ReadString(),
            Field: EventFields.ReadNullableString(ref reader),
            Message: reader.ReadString(),
            RawRow: reader.ReadString(),
            OriginalEvent: reader.ReadBytes());
        return reader.IsAtEnd
            ? rejected
            : throw new AvroContractException($"Malformed dead-letter event: {reader.Remaining} bytes left after the event.");
    }
}
