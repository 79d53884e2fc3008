using OpowerStream.Storage.Postgres;
using OpowerStream.Storage.Sqlite;

namespace OpowerStream.Storage;

public static class PipelineStores
{
    /// <summary>
    /// Opens the store at <paramref name="location"/>, creating a SQLite file's directory, and
    /// brings its schema up to date (safe when several processes open it at once). Interval completeness
    /// is counted in the local days of <paramref name="utilityTimeZone"/> (<c>Utility:TimeZone</c>): every
    /// process writing one store must use the same zone.
    /// </summary>
    public static Task<IPipelineStore> OpenAsync(StoreLocation location, TimeZoneInfo utilityTimeZone, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(utilityTimeZone);
        return location.Kind switch
        {
            StoreKind.Sqlite => SqlitePipelineStore.OpenAsync(location.Target, utilityTimeZone, ct),
            StoreKind.Postgres => PostgresPipelineStore.OpenAsync(location.Target, utilityTimeZone, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(location), location.Kind, "Unknown store kind."),
        };
    }

    /// <summary>Opens the store of a utility in UTC, the default <c>Utility:TimeZone</c>.</summary>
    public static Task<IPipelineStore> OpenAsync(StoreLocation location, CancellationToken ct) =>
        OpenAsync(location, TimeZoneInfo.Utc, ct);
}
