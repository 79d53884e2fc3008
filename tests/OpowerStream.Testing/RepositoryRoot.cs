namespace OpowerStream.Testing;

/// <summary>The checkout's root: the nearest folder above the test binaries that holds OpowerStream.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find(AppContext.BaseDirectory);

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "OpowerStream.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No OpowerStream.sln above '{start}'.");
    }
}
