using System.Globalization;
using Avro;

namespace OpowerStream.Contracts;

/// <summary>A writer schema as a Schema Registry holds it under an id, with its fingerprint (computed once per id).</summary>
public sealed record RegisteredWriterSchema(int Id, RecordSchema Schema, ulong Fingerprint)
{
    /// <summary>The schema text a registry returned for <paramref name="id"/>; throws <see cref="Avro.AvroContractException"/> unless it is an Avro record schema.</summary>
    public static RegisteredWriterSchema Parse(int id, string schemaJson)
    {
        global::Avro.Schema parsed;
        try
        {
            parsed = global::Avro.Schema.Parse(schemaJson);
        }
        catch (AvroException e)
        {
            throw new Avro.AvroContractException(string.Create(CultureInfo.InvariantCulture, $"Schema id {id} in the schema registry is not an Avro schema: {e.Message}"), e);
        }

        return parsed is RecordSchema record
            ? new RegisteredWriterSchema(id, record, unchecked((ulong)SchemaNormalization.ParsingFingerprint64(record)))
            : throw new Avro.AvroContractException(string.Create(CultureInfo.InvariantCulture, $"Schema id {id} in the schema registry is a {parsed.Tag}, not an event record."));
    }
}

/// <summary>
/// Where readers find the writer schema of a Confluent-framed event by its id: the Schema Registry's client
/// (in <c>OpowerStream.Kafka</c>), so this library stays free of HTTP and Kafka.
/// </summary>
public interface IRegisteredSchemas
{
    /// <summary>
    /// The schema registered under <paramref name="schemaId"/>, or null when the registry has no such id (the event is
    /// poison); throws when the registry cannot answer (retrying later may succeed).
    /// </summary>
    RegisteredWriterSchema? Find(int schemaId);
}

internal static class RegisteredSchemaLookup
{
    /// <summary>The writer schema of a Confluent-framed event; throws <see cref="Avro.AvroContractException"/> when there is no registry to ask or it has no such id.</summary>
    public static RegisteredWriterSchema Require(IRegisteredSchemas? registry, int schemaId) =>
        registry is null
            ? throw new Avro.AvroContractException(string.Create(CultureInfo.InvariantCulture,
                $"A Schema Registry framed event (magic byte 0, schema id {schemaId}), but no schema registry is configured (Kafka:SchemaRegistry:Url) to look its writer schema up."))
            : registry.Find(schemaId) ?? throw new Avro.AvroContractException(string.Create(CultureInfo.InvariantCulture,
                $"Unknown schema id {schemaId}: the schema registry has no schema with this id."));
}
