using System.IO.Compression;

namespace OpowerStream.Samples.Tests;

/// <summary>A temporary folder for one generation, deleted after the test, plus a reader for its files.</summary>
public sealed class GeneratedFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("opower-samples-").FullName;

    public GeneratorOptions Options(int servicePoints, int days, int intervalMinutes = 15) =>
        new() { OutputDirectory = Path, ServicePoints = servicePoints, Days = days, IntervalMinutes = intervalMinutes };

    /// <summary>The data rows of a gzip'd TSV file, split into fields (the header is checked and skipped).</summary>
    public static IEnumerable<string[]> Rows(string gzipPath, IReadOnlyList<string> expectedHeader)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(gzipPath), CompressionMode.Decompress));
        Assert.Equal(string.Join('\t', expectedHeader), reader.ReadLine());
        while (reader.ReadLine() is { } line)
        {
            yield return line.Split('\t');
        }
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
