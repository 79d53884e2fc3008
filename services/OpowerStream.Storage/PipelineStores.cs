using OpowerStream.Storage.Postgres;
using OpowerStream.Storage.Sqlite;

namespace OpowerStream.Storage;

public static class PipelineStores
{
    /// <summary>
    /// Opens the store at <paramref name="location"/>, creating a SQLite file's directory, and
    /// brings its schema up to date (safe when several processes open it at once).
    /// </summary>
    public static Task<IPipelineStore> OpenAsync(StoreLocation location, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.Kind switch
        {
            StoreKind.Sqlite => SqlitePipelineStore.OpenAsync(location.Target, ct),
            StoreKind.Postgres => PostgresPipelineStore.OpenAsync(location.Target, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(location), location.Kind, "Unknown store kind."),
        };
    }
}
