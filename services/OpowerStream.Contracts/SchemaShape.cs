using Avro;

namespace OpowerStream.Contracts;

/// <summary>
/// Checks at start-up that an embedded .avsc, as Apache.Avro parses it, has exactly the fields a
/// serializer writes, so a schema edited without the code (or the other way round) fails loudly
/// instead of producing bad events.
/// </summary>
internal static class SchemaShape
{
    public static RecordSchema RequireRecord(string schemaJson, string recordFullName, IReadOnlyList<(string Name, string Type)> expectedFields, string source)
    {
        var schema = Schema.Parse(schemaJson);
        if (schema is not RecordSchema record || record.Fullname != recordFullName)
        {
            throw Mismatch(source, $"the schema should be the record {recordFullName}, not {Describe(schema)}");
        }

        var fields = record.Fields;
        for (var i = 0; i < Math.Max(fields.Count, expectedFields.Count); i++)
        {
            var actualType = i < fields.Count ? SchemaNormalization.ToParsingForm(fields[i].Schema) : null;
            if (i >= fields.Count || i >= expectedFields.Count
                || fields[i].Name != expectedFields[i].Name
                || actualType != expectedFields[i].Type)
            {
                var actual = i < fields.Count ? $"'{fields[i].Name}' of type {actualType}" : "missing";
                var expected = i < expectedFields.Count ? $"'{expectedFields[i].Name}' of type {expectedFields[i].Type}" : "absent";
                throw Mismatch(source, $"field {i} is {actual} but the contract expects {expected}");
            }
        }

        return record;
    }

    private static string Describe(Schema schema) => schema is NamedSchema named ? named.Fullname : SchemaNormalization.ToParsingForm(schema);

    private static InvalidOperationException Mismatch(string source, string detail) =>
        new($"{source} does not match the event contract: {detail}.");
}
