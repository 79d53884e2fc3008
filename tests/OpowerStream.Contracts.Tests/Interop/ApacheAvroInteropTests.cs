using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;

namespace OpowerStream.Contracts.Tests.Interop;

/// <summary>
/// Our codec against Apache Avro itself: python3-avro 1.11 and avro-c's avrocat. Logical types stay
/// out of the datums exchanged with python, which converts them to datetime/Decimal objects.
/// </summary>
public sealed class ApacheAvroInteropTests : IDisposable
{
    private const string RichSchema = """
        {"type":"record","name":"Rich","namespace":"interop","fields":[
          {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B","C"]}},
          {"name":"counts","type":{"type":"array","items":"long"}},
          {"name":"labels","type":{"type":"map","values":["null","string"]}},
          {"name":"flag","type":"boolean"},{"name":"small","type":"int"},{"name":"ratio","type":"double"},
          {"name":"big","type":"long"},
          {"name":"next","type":["null","Rich"]}]}
        """;

    private readonly ApacheAvroTools tools = new();

    public static TheoryData<string> SchemaFiles =>
    [
        .. Enum.GetValues<Entity>().Select(EventSchemas.FileName),
        EventSchemas.RejectedRowFileName,
        EventSchemas.FileEventFileName,
    ];

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void Python_canonical_form_and_fingerprint_equal_ours(string schemaFile)
    {
        var schemaJson = EventSchemas.Load(schemaFile);
        var ours = AvroSchema.Parse(schemaJson);

        var info = JsonNode.Parse(tools.RunPython("schema-info", WriteFile(schemaFile, schemaJson)).Single())!;

        Assert.Equal(ours.CanonicalForm, (string?)info["canonical"]);
        Assert.Equal(ours.Fingerprint.ToString("x16"), (string?)info["fingerprint"]);
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

    [Fact]
    public void Generic_datums_of_a_richer_schema_cross_both_ways()
    {
        var schema = AvroSchema.Parse(RichSchema);
        var datumJson = """
            {"kind":"C","counts":[1,-64,64,9007199254740993],"labels":{"a":"x","é":null},"flag":true,"small":-2147483648,
             "ratio":0.1,"big":1767225599000000,"next":{"kind":"A","counts":[],"labels":{},"flag":false,"small":0,"ratio":-1.5,"big":0,"next":null}}
            """;
        var schemaFile = WriteFile("rich.avsc", RichSchema);

        var pythonEvent = Convert.FromHexString(tools.RunPython("encode", schemaFile, WriteFile("datums.json", $"[{datumJson}]")).Single());
        var ours = GenericDatum.Decode(schema, SingleObjectEncoding.GetBody(pythonEvent, schema.Fingerprint, "rich"));
        var ourEvent = new ArrayBufferWriter<byte>();
        SingleObjectEncoding.WriteHeader(ourEvent, schema.Fingerprint);
        GenericDatum.Write(schema, ours, new AvroWriter(ourEvent));
        var pythonDecoded = JsonNode.Parse(tools.RunPython("decode", schemaFile, WriteFile("events.hex", [Convert.ToHexString(ourEvent.WrittenSpan)])).Single())!;

        Assert.Equal(pythonEvent, ourEvent.WrittenSpan.ToArray());
        AssertJsonEqual(JsonNode.Parse(datumJson)!, pythonDecoded["datum"]);
    }

    [Fact]
    public void Avrocat_reads_a_container_file_of_our_row_events()
    {
        var serializer = RawRowSerializer.For(Entity.Interval);
        RawRow[] rows = [SampleRows.WithValues(Entity.Interval), SampleRows.WithDefect(Entity.Interval)];
        var path = tools.PathFor("intervals.avro");
        using (var writer = new AvroContainerFileWriter(File.Create(path), serializer.SchemaJson))
        {
            foreach (var row in rows)
            {
                writer.AppendEncoded(serializer.Serialize(row).AsSpan(SingleObjectEncoding.HeaderLength));
            }
        }

        var printed = tools.RunAvrocat(path);

        Assert.Equal(rows.Length, printed.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            AssertJsonEqual(RowJson.AvroJson(Entity.Interval, rows[i]), JsonNode.Parse(printed[i]));
        }
    }

    [Fact]
    public void Avrocat_reads_a_container_file_spanning_several_blocks()
    {
        var schemaJson = """{"type":"record","name":"N","fields":[{"name":"n","type":"long"},{"name":"pad","type":"string"}]}""";
        var path = tools.PathFor("numbers.avro");
        const int count = 5000;
        using (var writer = new AvroContainerFileWriter(File.Create(path), schemaJson))
        {
            for (var n = 0L; n < count; n++)
            {
                writer.Append(new Dictionary<string, object?> { ["n"] = n * 1_000_003, ["pad"] = new string('x', 40) });
            }
        }

        var printed = tools.RunAvrocat(path);

        Assert.Equal(count, printed.Count);
        Assert.Equal(4_999L * 1_000_003, (long)JsonNode.Parse(printed[^1])!["n"]!);
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
