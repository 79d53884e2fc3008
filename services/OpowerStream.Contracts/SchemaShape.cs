using OpowerStream.Contracts.Avro;

namespace OpowerStream.Contracts;

/// <summary>
/// Checks at start-up that an embedded .avsc has exactly the fields a serializer writes, so a schema
/// edited without the code (or the other way round) fails loudly instead of producing bad events.
/// </summary>
internal static class SchemaShape
{
    public static RecordSchema RequireRecord(string schemaJson, string recordFullName, IReadOnlyList<(string Name, string Type)> expectedFields, string source)
    {
        var schema = AvroSchema.Parse(schemaJson);
        if (schema is not RecordSchema record || record.FullName != recordFullName)
        {
            throw Mismatch(source, $"the schema should be the record {recordFullName}, not {Describe(schema)}");
        }

        var fields = record.Fields;
        for (var i = 0; i < Math.Max(fields.Count, expectedFields.Count); i++)
        {
            var actual = i < fields.Count ? $"'{fields[i].Name}' of type {fields[i].Schema.CanonicalForm}" : "missing";
            var expected = i < expectedFields.Count ? $"'{expectedFields[i].Name}' of type {expectedFields[i].Type}" : "absent";
            if (i >= fields.Count || i >= expectedFields.Count
                || fields[i].Name != expectedFields[i].Name
                || fields[i].Schema.CanonicalForm != expectedFields[i].Type)
            {
                throw Mismatch(source, $"field {i} is {actual} but the contract expects {expected}");
            }
        }

        return record;
    }

    private static string Describe(AvroSchema schema) => schema is NamedSchema named ? named.FullName : schema.CanonicalForm;

    private static InvalidOperationException Mismatch(string source, string detail) =>
        new($"{source} does not match the event contract: {detail}.");
}
