using OpowerStream.Domain;

namespace OpowerStream.Storage.Batching;

/// <summary>
/// Collapses a batch to one row per key before it is written: a set-based upsert cannot touch the
/// same key twice in one statement, and only the highest source sequence could win anyway.
/// </summary>
internal static class LatestByKey
{
    public static IReadOnlyCollection<T> Select<T, TKey>(
        IReadOnlyList<T> rows, Func<T, TKey> keyOf, Func<T, SourceSequence> sequenceOf)
        where TKey : notnull
    {
        var latest = new Dictionary<TKey, T>(rows.Count);
        foreach (var row in rows)
        {
            var key = keyOf(row);
            if (!latest.TryGetValue(key, out var kept) || sequenceOf(row) >= sequenceOf(kept))
            {
                latest[key] = row;
            }
        }

        return latest.Values;
    }
}
