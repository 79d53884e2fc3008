using Avro.Generic;
using OpowerStream.Contracts.Avro;

namespace OpowerStream.Contracts;

/// <summary>
/// Encodes <see cref="FileEvent"/> as an Avro event of file-event.avsc (single-object or Schema Registry framed), and decodes it, or
/// an event of any earlier version of the schema, back.
/// </summary>
public sealed class FileEventSerializer : SingleObjectSerializer<FileEvent>
{
    private const string RecordName = "opowerstream.events.FileEvent";
    private const string NullableLong = "[\"null\",\"long\"]";
    private const string KindEnum =
        "{\"name\":\"opowerstream.events.FileEventKind\",\"type\":\"enum\",\"symbols\":[\"file_started\",\"file_completed\",\"file_refused\"]}";

    private static readonly (string Name, string Type)[] Fields =
    [
        ("kind", KindEnum),
        ("file_name", EventFields.String),
        ("entity", EventFields.NullableString),
        ("file_timestamp", NullableLong),
        ("size_bytes", "\"long\""),
        ("sha256", EventFields.String),
        ("rows_read", NullableLong),
        ("rows_published", NullableLong),
        ("reason", EventFields.NullableString),
        ("detail", EventFields.NullableString),
        ("occurred_at", "\"long\""),
    ];

    private static readonly Lazy<FileEventSerializer> LazyInstance =
        new(() => new FileEventSerializer(EventSchemas.Load(EventSchemas.FileEventFileName), EventSchemas.History(EventSchemas.FileEventFileName)));

    internal FileEventSerializer(string schemaJson, IReadOnlyList<string> publishedSchemaJsons)
        : base(schemaJson, publishedSchemaJsons, RecordName, Fields, $"The file event schema ({EventSchemas.FileEventFileName})", $"file event {RecordName}")
    {
    }

    public static FileEventSerializer Instance => LazyInstance.Value;

    /// <summary>The file event, framed by <paramref name="frame"/> (single-object when null).</summary>
    public byte[] Serialize(FileEvent fileEvent, EventFrame? frame = null)
    {
        ArgumentNullException.ThrowIfNull(fileEvent);
        var buffer = EventBuffer.Rent();
        var writer = StartEvent(buffer, frame);
        writer.WriteInt((int)fileEvent.Kind);
        writer.WriteString(fileEvent.FileName);
        EventFields.WriteNullableString(writer, fileEvent.Entity);
        WriteNullableLong(writer, fileEvent.FileTimestamp);
        writer.WriteLong(fileEvent.SizeBytes);
        writer.WriteString(fileEvent.Sha256);
        WriteNullableLong(writer, fileEvent.RowsRead);
        WriteNullableLong(writer, fileEvent.RowsPublished);
        EventFields.WriteNullableString(writer, fileEvent.Reason);
        EventFields.WriteNullableString(writer, fileEvent.Detail);
        writer.WriteLong(Microseconds(fileEvent.OccurredAt));
        return buffer.WrittenSpan.ToArray();
    }

    private protected override FileEvent Read(ref AvroReader reader) => new(
        KindOf(reader.ReadInt()),
        FileName: reader.ReadString(),
        Entity: EventFields.ReadNullableString(ref reader),
        FileTimestamp: ReadNullableLong(ref reader),
        SizeBytes: reader.ReadLong(),
        Sha256: reader.ReadString(),
        RowsRead: ReadNullableLong(ref reader),
        RowsPublished: ReadNullableLong(ref reader),
        Reason: EventFields.ReadNullableString(ref reader),
        Detail: EventFields.ReadNullableString(ref reader),
        OccurredAt: FromMicroseconds(reader.ReadLong()));

    private protected override FileEvent FromRecord(GenericRecord record) => new(
        KindOf((GenericEnum)record["kind"]),
        FileName: (string)record["file_name"],
        Entity: (string?)record["entity"],
        FileTimestamp: (long?)record["file_timestamp"],
        SizeBytes: (long)record["size_bytes"],
        Sha256: (string)record["sha256"],
        RowsRead: (long?)record["rows_read"],
        RowsPublished: (long?)record["rows_published"],
        Reason: (string?)record["reason"],
        Detail: (string?)record["detail"],
        OccurredAt: FromMicroseconds((long)record["occurred_at"]));

    private FileEventKind KindOf(GenericEnum kind) => KindOf(kind.Schema.Ordinal(kind.Value));

    private FileEventKind KindOf(int symbol) =>
        Enum.IsDefined((FileEventKind)symbol) ? (FileEventKind)symbol : throw Malformed($"unknown kind {symbol}");

    private static long Microseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    private static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);

    private static void WriteNullableLong(AvroWriter writer, long? value)
    {
        if (value is { } present)
        {
            writer.WriteUnionIndex(1);
            writer.WriteLong(present);
        }
        else
        {
            writer.WriteUnionIndex(0);
        }
    }

    private static long? ReadNullableLong(ref AvroReader reader) => reader.ReadUnionIndex(2) == 0 ? null : reader.ReadLong();
}
