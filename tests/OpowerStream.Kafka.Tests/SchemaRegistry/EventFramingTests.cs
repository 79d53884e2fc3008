using System.Buffers.Binary;
using System.Text;
using Avro;
using Schema = Avro.Schema;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using OpowerStream.Contracts;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;
using OpowerStream.Kafka.SchemaRegistry;
using OpowerStream.Testing;

namespace OpowerStream.Kafka.Tests.SchemaRegistry;

/// <summary>
/// Schema Registry framing against the stand-in registry (real HTTP on 127.0.0.1, the REST API Confluent's client
/// calls; not Confluent's server): the bytes, the subjects and schemas registered, the lookups, and what a reader
/// makes of framed events it cannot place.
/// </summary>
public sealed class EventFramingTests : IAsyncLifetime
{
    private const string Topic = "opower.intervals";
    private static readonly RawRow Row = new(
        new Lineage("opwr_gec_v2-0_interval_20260131235959.tsv", 20260131235959, 42, ContentGeneration: 3),
        [.. EntityLayout.For(Entity.Interval).Columns.Select((column, i) => i % 3 == 1 ? null : $"{column.Name} Zürich ⚡ {i}")]);

    private SchemaRegistryStandIn registry = null!;

    public async Task InitializeAsync() => registry = await SchemaRegistryStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        Assert.Empty(registry.Unanswered);
        await registry.DisposeAsync();
    }

    [Fact]
    public async Task A_framed_event_is_magic_byte_schema_id_and_the_body_apache_avro_writes_and_confluents_deserializer_reads_it()
    {
        var serializer = RawRowSerializer.For(Entity.Interval);
        using var framing = new EventFraming(Options(registry.Url));

        var frame = framing.For(Topic, serializer);
        var framed = serializer.Serialize(Row, frame);

        var id = Assert.Single(registry.Versions(EventFraming.Subject(Topic))).Id;
        Assert.Equal(id, frame.SchemaId);
        var apacheBody = ApacheAvroEvents.Body(ApacheAvroEvents.Row(serializer.CurrentSchema, Entity.Interval, Row));
        var header = new byte[5];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), id);
        Assert.Equal([.. header, .. apacheBody], framed);
        Assert.Equal(serializer.Serialize(Row)[SingleObjectEncoding.HeaderLength..], framed[ConfluentFraming.HeaderLength..]);

        // Apache.Avro with the schema the registry returns for the id, and Confluent's own deserializer through the registry.
        var registered = (RecordSchema)Schema.Parse(Assert.Single(registry.Versions(EventFraming.Subject(Topic))).Schema);
        var byApache = ApacheAvroEvents.Read(registered, apacheBody);
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        var byConfluent = await new AvroDeserializer<GenericRecord>(client)
            .DeserializeAsync(framed, isNull: false, new SerializationContext(MessageComponentType.Value, Topic));
        foreach (var decoded in new[] { byApache, byConfluent })
        {
            var columns = EntityLayout.For(Entity.Interval).Columns;
            Assert.Equal(Row.Values, columns.Select(column => (string?)decoded[column.Name]));
            var lineage = (GenericRecord)decoded["lineage"];
            Assert.Equal((Row.Lineage.SourceFile, Row.Lineage.Line, 3), ((string)lineage["source_file"], (long)lineage["line"], (int)lineage["content_generation"]));
        }

        AssertSameRow(Row, serializer.Deserialize(framed, framing.Registry));
        Assert.Contains(registry.Requests, r => r == $"GET /schemas/ids/{id}");
    }

    [Fact]
    public void Each_topic_registers_the_projects_schema_under_topic_value_and_the_same_schema_keeps_its_id()
    {
        using (var framing = new EventFraming(Options(registry.Url)))
        {
            framing.For(Topic, RawRowSerializer.For(Entity.Interval));
            framing.For("opower.files", FileEventSerializer.Instance);
            framing.For("opower.intervals.dlq", RejectedRowSerializer.Instance);
            framing.For("opower.rates.dlq", RejectedRowSerializer.Instance);
            framing.For(Topic, RawRowSerializer.For(Entity.Interval));
        }

        // A second process (a new client, no cache) gets the same ids and adds no version.
        using var again = new EventFraming(Options(registry.Url));
        var intervalId = again.For(Topic, RawRowSerializer.For(Entity.Interval)).SchemaId;

        Assert.Equal(["opower.files-value", "opower.intervals-value", "opower.intervals.dlq-value", "opower.rates.dlq-value"], registry.Subjects);
        Assert.Equal(EventSchemas.Load(EventSchemas.FileName(Entity.Interval)), Assert.Single(registry.Versions("opower.intervals-value")).Schema);
        Assert.Equal(EventSchemas.Load(EventSchemas.FileEventFileName), Assert.Single(registry.Versions("opower.files-value")).Schema);
        Assert.Equal(EventSchemas.Load(EventSchemas.RejectedRowFileName), Assert.Single(registry.Versions("opower.rates.dlq-value")).Schema);
        Assert.Equal(Assert.Single(registry.Versions("opower.intervals.dlq-value")).Id, Assert.Single(registry.Versions("opower.rates.dlq-value")).Id);
        Assert.Equal(Assert.Single(registry.Versions("opower.intervals-value")).Id, intervalId);
        // Once per topic (the client's cache answers the repeated topic), and once for the second process.
        Assert.Equal(5, registry.Requests.Count(r => r.StartsWith("POST /subjects/", StringComparison.Ordinal) && r.EndsWith("/versions", StringComparison.Ordinal)));
    }

    [Fact]
    public void Without_auto_registration_the_id_is_looked_up_and_an_unregistered_schema_refuses_to_produce()
    {
        var preRegistered = registry.Register(EventFraming.Subject(Topic), EventSchemas.Load(EventSchemas.FileName(Entity.Interval)));
        var options = Options(registry.Url);
        options.SchemaRegistry.AutoRegisterSchemas = false;
        using var framing = new EventFraming(options);

        Assert.Equal(preRegistered, framing.For(Topic, RawRowSerializer.For(Entity.Interval)).SchemaId);
        var refused = Assert.Throws<InvalidOperationException>(() => framing.For("opower.files", FileEventSerializer.Instance));
        Assert.Contains("opower.files-value", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AutoRegisterSchemas is off", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["opower.intervals-value"], registry.Subjects);
        Assert.DoesNotContain(registry.Requests, r => r.EndsWith("/versions", StringComparison.Ordinal));
    }

    [Fact]
    public void A_framed_event_of_an_earlier_schema_version_is_resolved_and_one_without_registry_or_with_an_unknown_id_is_poison()
    {
        var serializer = RawRowSerializer.For(Entity.Interval);
        var version1 = (RecordSchema)Schema.Parse(EventSchemas.History(EventSchemas.FileName(Entity.Interval))[0]);
        var id = registry.Register(EventFraming.Subject(Topic), version1.ToString());
        var body = ApacheAvroEvents.Body(ApacheAvroEvents.Row(version1, Entity.Interval, Row));
        using var framing = new EventFraming(Options(registry.Url));

        var decoded = serializer.Deserialize(Framed(id, body), framing.Registry);
        var unknown = Assert.Throws<AvroContractException>(() => serializer.Deserialize(Framed(id + 100, body), framing.Registry));
        var noRegistry = Assert.Throws<AvroContractException>(() => serializer.Deserialize(Framed(id, body)));

        AssertSameRow(Row with { Lineage = Row.Lineage with { ContentGeneration = 1 } }, decoded);
        Assert.Null(framing.Find(id + 100));
        Assert.Equal($"Unknown schema id {id + 100}: the schema registry has no schema with this id.", unknown.Message);
        Assert.Contains("no schema registry is configured (Kafka:SchemaRegistry:Url)", noRegistry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_framed_event_whose_registered_schema_is_another_record_is_poison_not_misread()
    {
        var id = registry.Register("opower.files-value", EventSchemas.Load(EventSchemas.FileEventFileName));
        using var framing = new EventFraming(Options(registry.Url));
        var fileEventBody = FileEventSerializer.Instance.Serialize(
            new FileEvent(FileEventKind.FileStarted, "f.tsv", "intervals", 1, 2, "ab", null, null, null, null, DateTimeOffset.UnixEpoch))[SingleObjectEncoding.HeaderLength..];

        Assert.Throws<AvroContractException>(() => RawRowSerializer.For(Entity.Interval).Deserialize(Framed(id, fileEventBody), framing.Registry));
    }

    [Fact]
    public void Registry_settings_are_checked_at_start_without_echoing_values_and_basic_auth_reaches_the_registry()
    {
        var secret = "s3cr3t-Pa55";
        static IReadOnlyList<string> Problems(string? url, params (string Key, string Value)[] properties)
        {
            var options = new KafkaOptions { SchemaRegistry = { Url = url } };
            foreach (var (key, value) in properties)
            {
                options.SchemaRegistry.Properties[key] = value;
            }

            return KafkaOptionsValidator.Problems(options);
        }

        var problems = new[]
        {
            Problems($"ftp://user:{secret}@registry:8081"),
            Problems(null, ("schema.registry.basic.auth.user.info", $"user:{secret}")),
            Problems("http://registry:8081", ("basic.auth.user.info", $"user:{secret}")),
            Problems("http://registry:8081", ("schema.registry.basic.auth.user.info", $"no-colon-{secret}")),
            Problems("http://registry:8081", ("schema.registry.max.retries", $"many{secret}")),
            Problems("http://registry:8081", ("schema.registry.url", "http://other:8081")),
        };

        Assert.All(problems, p => Assert.NotEmpty(p));
        Assert.All(problems.SelectMany(p => p), p => Assert.DoesNotContain(secret, p, StringComparison.Ordinal));
        Assert.Empty(Problems("http://a:8081, https://b:8081", ("schema.registry.basic.auth.user.info", $"user:{secret}"), ("schema.registry.request.timeout.ms", "5000")));

        var options = Options(registry.Url);
        options.SchemaRegistry.Properties["schema.registry.basic.auth.user.info"] = $"user:{secret}";
        using var framing = new EventFraming(options);
        framing.For(Topic, RawRowSerializer.For(Entity.Interval));
        Assert.Equal($"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"user:{secret}"))}", registry.Authorizations[^1]);
    }

    private static void AssertSameRow(RawRow expected, RawRow actual)
    {
        Assert.Equal(expected.Lineage, actual.Lineage);
        Assert.Equal(expected.Values, actual.Values);
        Assert.Equal(expected.Defect, actual.Defect);
    }

    private static KafkaOptions Options(string url) => new() { SchemaRegistry = { Url = url } };

    private static byte[] Framed(int id, byte[] body)
    {
        var header = new byte[5];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), id);
        return [.. header, .. body];
    }
}
