using Avro.Generic;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;

namespace OpowerStream.Contracts;

/// <summary>
/// Encodes <see cref="RejectedRowEvent"/> as an Avro event of rejected-row.avsc (single-object or Schema Registry framed), and
/// decodes it, or an event of any earlier version of the schema, back.
/// </summary>
public sealed class RejectedRowSerializer : SingleObjectSerializer<RejectedRowEvent>
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
        new(() => new RejectedRowSerializer(EventSchemas.Load(EventSchemas.RejectedRowFileName), EventSchemas.History(EventSchemas.RejectedRowFileName)));

    internal RejectedRowSerializer(string schemaJson, IReadOnlyList<string> publishedSchemaJsons)
        : base(schemaJson, publishedSchemaJsons, RecordName, Fields, $"The dead-letter event schema ({EventSchemas.RejectedRowFileName})", $"dead-letter event {RecordName}")
    {
    }

    public static RejectedRowSerializer Instance => LazyInstance.Value;

    /// <summary>The dead letter's event, framed by <paramref name="frame"/> (single-object when null).</summary>
    public byte[] Serialize(RejectedRowEvent rejected, EventFrame? frame = null)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        var buffer = EventBuffer.Rent();
        var writer = StartEvent(buffer, frame);
        writer.WriteString(rejected.Entity.Name());
        EventFields.WriteLineage(writer, rejected.Lineage);
        writer.WriteString(rejected.Rule);
        EventFields.WriteNullableString(writer, rejected.Field);
        writer.WriteString(rejected.Message);
        writer.WriteString(rejected.RawRow);
        writer.WriteBytes(rejected.OriginalEvent);
        return buffer.WrittenSpan.ToArray();
    }

    private protected override RejectedRowEvent Read(ref AvroReader reader) => new(
        EntityOf(reader.ReadString()),
        EventFields.ReadLineage(ref reader),
        Rule: reader.ReadString(),
        Field: EventFields.ReadNullableString(ref reader),
        Message: reader.ReadString(),
        RawRow: reader.ReadString(),
        OriginalEvent: reader.ReadBytes());

    private protected override RejectedRowEvent FromRecord(GenericRecord record) => new(
        EntityOf((string)record["entity"]),
        EventFields.LineageFrom(record),
        Rule: (string)record["rule"],
        Field: (string?)record["field"],
        Message: (string)record["message"],
        RawRow: (string)record["raw_row"],
        OriginalEvent: (byte[])record["original_event"]);

    private Entity EntityOf(string name) =>
        EntityNames.TryParse(name, out var entity) ? entity : throw Malformed($"unknown entity '{name}'");
}
