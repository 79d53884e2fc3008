using System.Text;
using System.Text.Json;
using Avro;
using Avro.Generic;
using Confluent.Kafka;
using OpowerStream.Contracts;
using OpowerStream.Contracts.Avro;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// One Kafka record as <c>peek</c> prints it: a JSON object on one line with topic, partition, offset, timestamp, key,
/// headers and the body decoded by its writer schema (field names as in the schema). A body that is not one of our
/// events gets an <c>error</c> and its bytes as <c>value_base64</c> instead. Shape documented in README ("peek").
/// </summary>
internal static class PeekRecordJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Format(ConsumeResult<byte[]?, byte[]?> record, IRegisteredSchemas? registry)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("topic", record.Topic);
            json.WriteNumber("partition", record.Partition.Value);
            json.WriteNumber("offset", record.Offset.Value);
            json.WriteString("timestamp", record.Message.Timestamp.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            WriteBytes(json, "key", record.Message.Key);
            json.WriteStartArray("headers");
            foreach (var header in record.Message.Headers ?? [])
            {
                json.WriteStartObject();
                json.WriteString("key", header.Key);
                WriteBytes(json, "value", header.GetValueBytes());
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteBody(json, record.Message.Value, registry);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteBody(Utf8JsonWriter json, byte[]? body, IRegisteredSchemas? registry)
    {
        if (body is null)
        {
            json.WriteNull("value");
            return;
        }

        WrittenEvent written;
        try
        {
            written = WriterSchemas.Decode(body, registry);
        }
        catch (AvroContractException e)
        {
            json.WriteString("error", e.Message);
            json.WriteBase64String("value_base64", body);
            return;
        }

        json.WriteString("schema", written.Schema.Fullname);
        if (written.SchemaId is { } schemaId)
        {
            json.WriteNumber("schema_id", schemaId);
        }

        json.WritePropertyName("value");
        WriteDatum(json, written.Body);
    }

    /// <summary>Bytes that are UTF-8 text as a string under <paramref name="name"/>, others as base64 under <c>NAME_base64</c>.</summary>
    private static void WriteBytes(Utf8JsonWriter json, string name, byte[]? bytes)
    {
        if (bytes is null)
        {
            json.WriteNull(name);
            return;
        }

        try
        {
            json.WriteString(name, StrictUtf8.GetString(bytes));
        }
        catch (DecoderFallbackException)
        {
            json.WriteBase64String($"{name}_base64", bytes);
        }
    }

    /// <summary>An Apache.Avro generic datum as JSON: records as objects in schema field order, enums as their symbol, bytes as base64.</summary>
    private static void WriteDatum(Utf8JsonWriter json, object? datum)
    {
        switch (datum)
        {
            case null:
                json.WriteNullValue();
                break;
            case GenericRecord record:
                json.WriteStartObject();
                foreach (var field in record.Schema.Fields)
                {
                    json.WritePropertyName(field.Name);
                    WriteDatum(json, record.GetValue(field.Pos));
                }

                json.WriteEndObject();
                break;
            case GenericEnum symbol:
                json.WriteStringValue(symbol.Value);
                break;
            case GenericFixed fixedBytes:
                json.WriteBase64StringValue(fixedBytes.Value);
                break;
            case byte[] bytes:
                json.WriteBase64StringValue(bytes);
                break;
            case string text:
                json.WriteStringValue(text);
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case int number:
                json.WriteNumberValue(number);
                break;
            case long number:
                json.WriteNumberValue(number);
                break;
            case float number:
                json.WriteNumberValue(number);
                break;
            case double number:
                json.WriteNumberValue(number);
                break;
            case IDictionary<string, object> map:
                json.WriteStartObject();
                foreach (var (key, value) in map)
                {
                    json.WritePropertyName(key);
                    WriteDatum(json, value);
                }

                json.WriteEndObject();
                break;
            case System.Collections.IEnumerable items:
                json.WriteStartArray();
                foreach (var item in items)
                {
                    WriteDatum(json, item);
                }

                json.WriteEndArray();
                break;
            default:
                throw new AvroException($"No JSON form for an Avro datum of type {datum.GetType()}.");
        }
    }
}
