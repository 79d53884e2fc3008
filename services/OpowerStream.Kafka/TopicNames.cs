using OpowerStream.Domain;

namespace OpowerStream.Kafka;

/// <summary>
/// The product's topics under one prefix: one row topic and one dead-letter topic per entity, and the
/// files topic. A prefix per environment (or per test) keeps their data apart on a shared cluster.
/// </summary>
public sealed class TopicNames
{
    public TopicNames(string prefix)
    {
        var problem = KafkaNaming.TopicPrefixProblem(prefix);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(prefix));
        }

        Prefix = prefix;
        Files = $"{prefix}.files";
        All = [.. Enum.GetValues<Entity>().Select(Rows), .. Enum.GetValues<Entity>().Select(DeadLetter), Files];
    }

    public string Prefix { get; }

    /// <summary>Where the extractor reports each file's outcome.</summary>
    public string Files { get; }

    /// <summary>Every topic the product uses, for creating them up front.</summary>
    public IReadOnlyList<string> All { get; }

    /// <summary>The entity's row events, e.g. <c>opower.intervals</c>.</summary>
    public string Rows(Entity entity) => $"{Prefix}.{entity.Name()}";

    /// <summary>Rows the entity's consumer could not decode or apply, e.g. <c>opower.intervals.dlq</c>.</summary>
    public string DeadLetter(Entity entity) => $"{Rows(entity)}.dlq";

    public override string ToString() => Prefix;
}
