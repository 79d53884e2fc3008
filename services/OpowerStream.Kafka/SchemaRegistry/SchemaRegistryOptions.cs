using Confluent.SchemaRegistry;

namespace OpowerStream.Kafka.SchemaRegistry;

/// <summary>
/// The <c>Kafka:SchemaRegistry</c> section. With <see cref="Url"/> set, every event the product produces is framed
/// for Confluent's Schema Registry (magic byte, schema id, Avro body) under the subject <c>&lt;topic&gt;-value</c>;
/// readers take both framings. <see cref="Properties"/> passes any Confluent client property
/// (<c>schema.registry.basic.auth.user.info</c>, <c>schema.registry.ssl.ca.location</c>, ...) straight through, as
/// <c>Kafka:Client</c> does for librdkafka.
/// </summary>
public sealed class SchemaRegistryOptions
{
    private const string PropertyPrefix = "schema.registry.";
    private const string Path = KafkaOptions.SectionName + ":SchemaRegistry";

    /// <summary>The registry's URL (several, comma-separated, are tried in turn); off when absent.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// Register each event schema under its topic's subject when first used (the default); false when a platform team
    /// registers them: the product then only looks up the id of the schema it writes, and refuses to produce if absent.
    /// </summary>
    public bool AutoRegisterSchemas { get; set; } = true;

    /// <summary>Confluent Schema Registry client properties (<c>schema.registry.*</c>), secrets included; never logged.</summary>
    public Dictionary<string, string> Properties { get; init; } = [];

    public bool Enabled => Url is not null;

    /// <summary>The Confluent client's configuration: <see cref="Properties"/>, the URL, basic auth from the user info when given.</summary>
    public SchemaRegistryConfig ClientConfig()
    {
        var config = new SchemaRegistryConfig();
        foreach (var (property, value) in Properties)
        {
            config.Set(property, value);
        }

        // Confluent's client takes the list without blanks around the commas.
        config.Url = Url is null ? null : string.Join(',', Url.Split(',', StringSplitOptions.TrimEntries));
        if (config.BasicAuthUserInfo is not null && config.BasicAuthCredentialsSource is null)
        {
            config.BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo;
        }

        return config;
    }

    /// <summary>What is wrong with these settings, naming settings but never their values (a URL or a property may hold a secret).</summary>
    public IReadOnlyList<string> Problems()
    {
        if (Url is null)
        {
            return Properties.Count == 0 ? [] : [$"{Path}:Properties are set but {Path}:Url is not: set the registry's URL, or remove them."];
        }

        var problems = new List<string>();
        var urls = Url.Split(',', StringSplitOptions.TrimEntries);
        if (urls.Any(url => !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add($"{Path}:Url must be one or more absolute http:// or https:// URLs, comma-separated.");
        }

        foreach (var property in Properties.Keys.Where(p => !p.StartsWith(PropertyPrefix, StringComparison.Ordinal) || p == SchemaRegistryConfig.PropertyNames.SchemaRegistryUrl))
        {
            problems.Add(property == SchemaRegistryConfig.PropertyNames.SchemaRegistryUrl
                ? $"{Path}:Properties:{property}: set {Path}:Url instead."
                : $"{Path}:Properties:{property}: not a Schema Registry client property (they start with {PropertyPrefix}).");
        }

        if (problems.Count == 0)
        {
            try
            {
                // The client checks its properties (names, numbers, the user info's form) without connecting.
                using var client = new CachedSchemaRegistryClient(ClientConfig());
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                problems.Add($"{Path}: {e.Message}");
            }
        }

        return problems;
    }
}
