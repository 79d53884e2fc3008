using System.Text.Json;
using System.Text.Json.Nodes;
using Avro;
using OpowerStream.Domain;

namespace OpowerStream.Contracts.Tests.Interop;

/// <summary>
/// Our events against a second, independent Apache Avro implementation: python3-avro 1.11 (the .NET
/// Apache.Avro is the first, in ApacheAvroEquivalenceTests).
/// </summary>
public sealed class ApacheAvroInteropTests : IDisposable
{
    private readonly ApacheAvroTools tools = new();

    public static TheoryData<string> SchemaFiles =>
    [
        .. Enum.GetValues<Entity>().Select(EventSchemas.FileName),
        EventSchemas.RejectedRowFileName,
        EventSchemas.FileEventFileName,
    ];

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void Python_canonical_form_and_fingerprint_equal_apache_avro_dotnets(string schemaFile)
    {
        var schemaJson = EventSchemas.Load(schemaFile);
        var dotnet = Schema.Parse(schemaJson);

        var info = JsonNode.Parse(tools.RunPython("schema-info", WriteFile(schemaFile, schemaJson)).Single())!;

        Assert.Equal(SchemaNormalization.ToParsingForm(dotnet), (string?)info["canonical"]);
        Assert.Equal(unchecked((ulong)SchemaNormalization.ParsingFingerprint64(dotnet)).ToString("x16"), (string?)info["fingerprint"]);
    }

    [Theory]
    [MemberData(nameof(SampleRows.Entities), MemberType = typeof(SampleRows))]
    public void Python_decodes_our_row_events(Entity entity)
    {
        var serializer = RawRowSerializer.For(entity);
        RawRow[] rows = [SampleRows.WithValues(entity), SampleRows.WithDefect(entity)];
        var events = WriteFile("events.hex", rows.Select(row => Convert.ToHexString(serializer.Serialize(row))));

        var decoded = tools.RunPython("decode", WriteFile("schema.avsc", serializer.SchemaJson), events)
            .Select(line => JsonNode.Parse(line)!).ToList();

        Assert.Equal(rows.Length, decoded.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal("c301", (string?)decoded[i]["marker"]);
            Assert.Equal(serializer.Fingerprint.ToString("x16"), (string?)decoded[i]["fingerprint"]);
            Assert.Equal(serializer.Fingerprint.ToString("x16"), (string?)decoded[i]["schema_fingerprint"]);
            Assert.Equal(0, (int)decoded[i]["unread_bytes"]!);
            AssertJsonEqual(RowJson.Datum(entity, rows[i]), decoded[i]["datum"]);
        }
    }

    [Theory]
    [MemberData(nameof(SampleRows.Entities), MemberType = typeof(SampleRows))]
    public void We_decode_row_events_python_wrote(Entity entity)
    {
        var serializer = RawRowSerializer.For(entity);
        RawRow[] rows = [SampleRows.WithValues(entity), SampleRows.WithDefect(entity)];
        var datums = new JsonArray([.. rows.Select(row => RowJson.Datum(entity, row))]);

        var events = tools.RunPython("encode", WriteFile("schema.avsc", serializer.SchemaJson), WriteFile("datums.json", datums.ToJsonString()));

        Assert.Equal(rows.Length, events.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            var decoded = serializer.Deserialize(Convert.FromHexString(events[i]));
            Assert.Equal(rows[i].Lineage, decoded.Lineage);
            Assert.Equal(rows[i].Values, decoded.Values);
            Assert.Equal(rows[i].Defect, decoded.Defect);
        }
    }

    [Fact]
    public void Python_decodes_our_dead_letter_events()
    {
        var original = RawRowSerializer.For(Entity.Interval).Serialize(SampleRows.WithValues(Entity.Interval));
        var rejected = new RejectedRowEvent(Entity.Interval, SampleRows.Lineage, RuleCodes.NegativeUsage, "usage_value", "usage is négative", "x\t-1", original);
        var serializer = RejectedRowSerializer.Instance;

        var decoded = JsonNode.Parse(tools.RunPython(
            "decode",
            WriteFile("rejected.avsc", serializer.SchemaJson),
            WriteFile("events.hex", [Convert.ToHexString(serializer.Serialize(rejected))])).Single())!;

        Assert.Equal(serializer.Fingerprint.ToString("x16"), (string?)decoded["schema_fingerprint"]);
        var datum = decoded["datum"]!;
        Assert.Equal("intervals", (string?)datum["entity"]);
        Assert.Equal("usage is négative", (string?)datum["message"]);
        Assert.Equal(Convert.ToHexString(original), ((string?)datum["original_event"])?.ToUpperInvariant());
    }

    [Fact]
    public void Python_decodes_our_file_events()
    {
        var serializer = FileEventSerializer.Instance;
        var at = new DateTimeOffset(2026, 11, 30, 10, 20, 42, 123, TimeSpan.Zero).AddTicks(4560);
        FileEvent[] events =
        [
            new(FileEventKind.FileCompleted, "opwr_gec_v2-0-9_billing_account_20240101000000.tsv", "rates", 20240101000000, 1234, "ab12", 3, 3, null, null, at),
            new(FileEventKind.FileRefused, "customers.tsv", null, null, 5, "cd34", null, null, "unrecognized_file_name", "not an Opower name", at),
        ];

        var decoded = tools.RunPython(
                "decode",
                WriteFile("file-event.avsc", serializer.SchemaJson),
                WriteFile("events.hex", events.Select(e => Convert.ToHexString(serializer.Serialize(e)))))
            .Select(line => JsonNode.Parse(line)!).ToList();

        Assert.Equal(2, decoded.Count);
        Assert.All(decoded, d => Assert.Equal(serializer.Fingerprint.ToString("x16"), (string?)d["schema_fingerprint"]));
        Assert.All(decoded, d => Assert.Equal(0, (int)d["unread_bytes"]!));
        AssertJsonEqual(
            JsonNode.Parse("""
                {"kind":"file_completed","file_name":"opwr_gec_v2-0-9_billing_account_20240101000000.tsv","entity":"rates",
                 "file_timestamp":20240101000000,"size_bytes":1234,"sha256":"ab12","rows_read":3,"rows_published":3,
                 "reason":null,"detail":null,"occurred_at":1796034042123456}
                """)!,
            decoded[0]["datum"]);
        Assert.Equal(("file_refused", "unrecognized_file_name", null), ((string?)decoded[1]["datum"]!["kind"], (string?)decoded[1]["datum"]!["reason"], (string?)decoded[1]["datum"]!["entity"]));
        Assert.All(events, e => Assert.Equal(e, serializer.Deserialize(serializer.Serialize(e))));
    }

    public void Dispose() => tools.Dispose();

    private string WriteFile(string name, string content)
    {
        var path = tools.PathFor(name);
        File.WriteAllText(path, content);
        return path;
    }

    private string WriteFile(string name, IEnumerable<string> lines)
    {
        var path = tools.PathFor(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static void AssertJsonEqual(JsonNode expected, JsonNode? actual) =>
        Assert.True(
            JsonNode.DeepEquals(Normalize(expected), Normalize(actual)),
            $"Expected {expected.ToJsonString()}\nbut got  {actual?.ToJsonString()}");

    // Re-parsing gives both sides the same number representation, so 1 and 1 compare equal.
    private static JsonNode? Normalize(JsonNode? node) =>
        node is null ? null : JsonNode.Parse(node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
}
