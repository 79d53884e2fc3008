using OpowerStream.Contracts.Avro;

namespace OpowerStream.Contracts;

/// <summary>Encodes <see cref="FileEvent"/> as a single-object Avro event of file-event.avsc, and back.</summary>
public sealed class FileEventSerializer : SingleObjectSerializer
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
        new(() => new FileEventSerializer(EventSchemas.Load(EventSchemas.FileEventFileName)));

    internal FileEventSerializer(string schemaJson)
        : base(schemaJson, RecordName, Fields, $"The file event schema ({EventSchemas.FileEventFileName})", $"file event {RecordName}")
    {
    }

    public static FileEventSerializer Instance => LazyInstance.Value;

    public byte[] Serialize(FileEvent fileEvent)
    {
        ArgumentNullException.ThrowIfNull(fileEvent);
        var buffer = EventBuffer.Rent();
        var writer = StartEvent(buffer);
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
        writer.WriteLong((fileEvent.OccurredAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond);
        return buffer.WrittenSpan.ToArray();
    }

    public FileEvent Deserialize(ReadOnlySpan<byte> singleObject)
    {
        var reader = OpenEvent(singleObject);
        var kind = reader.ReadInt();
        if (!Enum.IsDefined((FileEventKind)kind))
        {
            throw new AvroContractException($"Malformed file event: unknown kind {kind}.");
        }

        var fileEvent = new FileEvent(
            (FileEventKind)kind,
            FileName: reader.ReadString(),
            Entity: EventFields.ReadNullableString(ref reader),
            FileTimestamp: ReadNullableLong(ref reader),
            SizeBytes: reader.ReadLong(),
            Sha256: reader.ReadString(),
            RowsRead: ReadNullableLong(ref reader),
            RowsPublished: ReadNullableLong(ref reader),
            Reason: EventFields.ReadNullableString(ref reader),
            Detail: EventFields.ReadNullableString(ref reader),
            OccurredAt: DateTimeOffset.UnixEpoch.AddTicks(reader.ReadLong() * TimeSpan.TicksPerMicrosecond));
        return reader.IsAtEnd
            ? fileEvent
            : throw new AvroContractException($"Malformed file event: {reader.Remaining} bytes left after the event.");
    }

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
