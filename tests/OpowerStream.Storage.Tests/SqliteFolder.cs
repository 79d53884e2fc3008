using Microsoft.Data.Sqlite;

namespace OpowerStream.Storage.Tests;

/// <summary>A temporary folder of SQLite store files, deleted with them once the pooled connections let go.</summary>
internal sealed class SqliteFolder(string prefix) : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");

    /// <summary>A new store file's location in the folder.</summary>
    public StoreLocation NewStore()
    {
        Directory.CreateDirectory(path);
        return StoreLocation.Parse($"sqlite:{Path.Combine(path, Guid.NewGuid().ToString("N") + ".db")}");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(path, recursive: true);
    }
}
