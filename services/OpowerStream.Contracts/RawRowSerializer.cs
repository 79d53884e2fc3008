using System.Buffers;
using System.Globalization;
using Avro.Generic;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;
using OpowerStream.Domain.Files;

namespace OpowerStream.Contracts;

/// <summary>
/// Encodes an entity's <see cref="RawRow"/> (or, without decoding its values, a <see cref="RawRowView"/>)
/// as an Avro event of its .avsc schema (single-object or Schema Registry framed) (lineage, one nullable string per
/// <see cref="EntityLayout"/> column, row_defect), and decodes it, or an event of any earlier version
/// of the schema, back to a <see cref="RawRow"/>.
/// </summary>
public sealed class RawRowSerializer : SingleObjectSerializer<RawRow>
{
    private const string RowDefectType =
        "[\"null\",{\"name\":\"opowerstream.events.RowDefect\",\"type\":\"record\",\"fields\":["
        + "{\"name\":\"rule\",\"type\":\"string\"},"
        + "{\"name\":\"field\",\"type\":[\"null\",\"string\"]},"
        + "{\"name\":\"message\",\"type\":\"string\"},"
        + "{\"name\":\"raw_line\",\"type\":\"string\"}]}]";

    private static readonly Lazy<RawRowSerializer>[] Instances =
    [
        .. Enum.GetValues<Entity>().Select(entity =>
            new Lazy<RawRowSerializer>(() => new RawRowSerializer(
                entity, EventSchemas.Load(EventSchemas.FileName(entity)), EventSchemas.History(EventSchemas.FileName(entity))))),
    ];

    private readonly RepeatedString sourceFiles = new();
    private readonly RepeatedString writtenSourceFiles = new();
    private readonly int columnCount;

    /// <summary>
    /// Checks <paramref name="schemaJson"/> against the entity's layout, and that it reads every
    /// <paramref name="publishedSchemaJsons"/>; throws if not.
    /// </summary>
    internal RawRowSerializer(Entity entity, string schemaJson, IReadOnlyList<string> publishedSchemaJsons)
        : base(schemaJson, publishedSchemaJsons, RecordName(entity), ExpectedFields(entity),
            $"The {entity.Name()} event schema ({EventSchemas.FileName(entity)})", $"{entity.Name()} event {RecordName(entity)}")
    {
        Entity = entity;
        columnCount = EntityLayout.For(entity).Columns.Count;
    }

    public Entity Entity { get; }

    public static RawRowSerializer For(Entity entity) =>
        (uint)entity < (uint)Instances.Length
            ? Instances[(int)entity].Value
            : throw new ArgumentOutOfRangeException(nameof(entity), entity, null);

    /// <summary>The row's event, framed by <paramref name="frame"/> (single-object when null).</summary>
    public byte[] Serialize(RawRow row, EventFrame? frame = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        var buffer = EventBuffer.Rent();
        var writer = StartRow(buffer, frame, row.Lineage, row.Values.Count, nameof(row));
        for (var i = 0; i < columnCount; i++)
        {
            EventFields.WriteNullableString(writer, row.Values[i]);
        }

        return Finish(writer, buffer, row.Defect);
    }

    /// <summary>The same event as for <see cref="RawRowView.ToRawRow"/>, written from the value bytes (UTF-8 checked by the reader).</summary>
    public byte[] Serialize(RawRowView row, EventFrame? frame = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        var buffer = EventBuffer.Rent();
        var writer = StartRow(buffer, frame, row.Lineage, row.Count, nameof(row));
        for (var i = 0; i < columnCount; i++)
        {
            if (row.TryGetValue(i, out var utf8))
            {
                writer.WriteUnionIndex(1);
                writer.WriteUtf8String(utf8);
            }
            else
            {
                writer.WriteUnionIndex(0);
            }
        }

        return Finish(writer, buffer, row.Defect);
    }

    private protected override RawRow Read(ref AvroReader reader)
    {
        var lineage = EventFields.ReadLineage(ref reader, sourceFiles);
        var values = new string?[columnCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = EventFields.ReadNullableString(ref reader);
        }

        var defect = reader.ReadUnionIndex(2) == 0
            ? null
            : new RowDefect(reader.ReadString(), EventFields.ReadNullableString(ref reader), reader.ReadString(), reader.ReadString());
        return new RawRow(lineage, values, defect);
    }

    private protected override RawRow FromRecord(GenericRecord record)
    {
        var columns = EntityLayout.For(Entity).Columns;
        var values = new string?[columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (string?)record[columns[i].Name];
        }

        var defect = record["row_defect"] is GenericRecord found
            ? new RowDefect((string)found["rule"], (string?)found["field"], (string)found["message"], (string)found["raw_line"])
            : null;
        return new RawRow(EventFields.LineageFrom(record), values, defect);
    }

    private AvroWriter StartRow(IBufferWriter<byte> output, EventFrame? frame, Lineage lineage, int values, string rowParameter)
    {
        if (values != columnCount)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A {Entity.Name()} row has {columnCount} values, this one {values}."),
                rowParameter);
        }

        var writer = StartEvent(output, frame);
        EventFields.WriteLineage(writer, lineage, writtenSourceFiles);
        return writer;
    }

    /// <summary>Writes the row_defect field, the event's last, and returns the event.</summary>
    private static byte[] Finish(AvroWriter writer, ArrayBufferWriter<byte> buffer, RowDefect? defect)
    {
        if (defect is null)
        {
            writer.WriteUnionIndex(0);
        }
        else
        {
            writer.WriteUnionIndex(1);
            writer.WriteString(defect.Rule);
            EventFields.WriteNullableString(writer, defect.Field);
            writer.WriteString(defect.Message);
            writer.WriteString(defect.RawLine);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The fields the code writes: lineage, one nullable string per layout column, row_defect.</summary>
    private static List<(string Name, string Type)> ExpectedFields(Entity entity) =>
    [
        ("lineage", EventFields.Lineage),
        .. EntityLayout.For(entity).Columns.Select(column => (column.Name, EventFields.NullableString)),
        ("row_defect", RowDefectType),
    ];

    private static string RecordName(Entity entity) => entity switch
    {
        Entity.Rate => "opowerstream.events.RateRowEvent",
        Entity.Interval => "opowerstream.events.IntervalRowEvent",
        Entity.ServiceQuantity => "opowerstream.events.ServiceQuantityRowEvent",
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };
}
