using System.Collections.Concurrent;
using System.Net;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpowerStream.Contracts;
using OpowerStream.Kafka.Consuming;

namespace OpowerStream.Kafka.SchemaRegistry;

/// <summary>
/// How the process frames the events it produces, and where its readers find registry schemas. Without a
/// Schema Registry (<c>Kafka:SchemaRegistry:Url</c> unset) every event is single-object encoded. With one, each
/// topic's events carry the id its schema has under the subject <c>&lt;topic&gt;-value</c> (Confluent's
/// TopicNameStrategy, what Kafka Connect, ksqlDB and <c>kcat -s avro</c> expect), registered on first use from the
/// project's .avsc (or only looked up when <see cref="SchemaRegistryOptions.AutoRegisterSchemas"/> is off), and
/// readers look the writer schema of a framed event up by id. Both lookups are cached for the process's life.
/// </summary>
public sealed class EventFraming : IRegisteredSchemas, IDisposable
{
    // The registry's error code for an id it does not hold.
    private const int SchemaNotFound = 40403;

    private readonly CachedSchemaRegistryClient? client;
    private readonly bool autoRegister;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<(string Topic, ulong Fingerprint), EventFrame> frames = new();
    private readonly ConcurrentDictionary<int, RegisteredWriterSchema> schemas = new();

    public EventFraming(KafkaOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.logger = logger ?? NullLogger.Instance;
        if (options.SchemaRegistry.Enabled)
        {
            client = new CachedSchemaRegistryClient(options.SchemaRegistry.ClientConfig());
            autoRegister = options.SchemaRegistry.AutoRegisterSchemas;
        }
    }

    /// <summary>The registry for readers of framed events; null without one (a framed event is then poison).</summary>
    public IRegisteredSchemas? Registry => client is null ? null : this;

    /// <summary>The subject of a topic's event values under TopicNameStrategy.</summary>
    public static string Subject(string topic) => $"{topic}-value";

    /// <summary>
    /// The frame of <paramref name="serializer"/>'s events on <paramref name="topic"/>: single-object without a registry, else
    /// the id of its schema under the topic's subject (registered or looked up once, blocking the caller that first asks).
    /// </summary>
    public EventFrame For<TEvent>(string topic, SingleObjectSerializer<TEvent> serializer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(serializer);
        return client is null
            ? serializer.SingleObjectFrame
            : frames.GetOrAdd((topic, serializer.Fingerprint), key =>
            {
                var subject = Subject(key.Topic);
                var frame = EventFrame.Registry(SchemaId(client, subject, serializer.SchemaJson));
                KafkaLog.SchemaFramed(logger, key.Topic, serializer.CurrentSchema.Fullname, frame.SchemaId!.Value, autoRegister ? "registered" : "looked up", subject);
                return frame;
            });
    }

    public RegisteredWriterSchema? Find(int schemaId)
    {
        if (client is null)
        {
            return null;
        }

        if (schemas.TryGetValue(schemaId, out var known))
        {
            return known;
        }

        Confluent.SchemaRegistry.Schema found;
        try
        {
            found = client.GetSchemaAsync(schemaId).GetAwaiter().GetResult();
        }
        catch (SchemaRegistryException e) when (e.ErrorCode == SchemaNotFound || e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (e is SchemaRegistryException or HttpRequestException or TaskCanceledException)
        {
            throw Unavailable($"looking up schema id {schemaId}", e);
        }

        return schemas.GetOrAdd(schemaId, RegisteredWriterSchema.Parse(schemaId, found.SchemaString));
    }

    public void Dispose() => client?.Dispose();

    private int SchemaId(CachedSchemaRegistryClient registry, string subject, string schemaJson)
    {
        var schema = new Confluent.SchemaRegistry.Schema(schemaJson, SchemaType.Avro);
        try
        {
            return autoRegister
                ? registry.RegisterSchemaAsync(subject, schema).GetAwaiter().GetResult()
                : registry.LookupSchemaAsync(subject, schema, ignoreDeletedSchemas: true).GetAwaiter().GetResult().Id;
        }
        catch (SchemaRegistryException e) when (!autoRegister && e.Status == HttpStatusCode.NotFound)
        {
            throw new InvalidOperationException(
                $"The schema registry does not hold this event schema under the subject {subject}, and Kafka:SchemaRegistry:AutoRegisterSchemas is off: register it there first ({e.Message}).", e);
        }
        catch (Exception e) when (e is SchemaRegistryException or HttpRequestException or TaskCanceledException)
        {
            throw Unavailable($"{(autoRegister ? "registering" : "looking up")} the event schema under the subject {subject}", e);
        }
    }

    /// <summary>The registry did not answer, or refused: retrying later may succeed, so this is never a verdict on an event.</summary>
    private static InvalidOperationException Unavailable(string what, Exception e) =>
        new($"The schema registry failed {what}: {e.Message}", e);
}
