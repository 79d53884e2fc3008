namespace OpowerStream.Domain;

/// <summary>The three kinds of inbound rows the product ingests (spec section 1).</summary>
public enum Entity
{
    Rate,
    Interval,
    ServiceQuantity,
}

public static class EntityNames
{
    /// <summary>The entity's name on the command line, in topic names and in the rejects table.</summary>
    public static string Name(this Entity entity) => entity switch
    {
        Entity.Rate => "rates",
        Entity.Interval => "intervals",
        Entity.ServiceQuantity => "service-quantities",
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };

    public static bool TryParse(string name, out Entity entity)
    {
        foreach (var candidate in Enum.GetValues<Entity>())
        {
            if (string.Equals(candidate.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                entity = candidate;
                return true;
            }
        }

        entity = default;
        return false;
    }
}
