using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace OpowerStream.Kafka.Native;

/// <summary>A librdkafka other than the one shipped with Confluent.Kafka would be, or was, loaded.</summary>
public sealed class LibRdKafkaMismatchException(string message) : InvalidOperationException(message);

/// <summary>
/// Makes every librdkafka call in the process (Confluent.Kafka's and our mock-cluster P/Invokes) bind to one file:
/// the librdkafka.redist build shipped beside the application. Left alone, .NET's loader falls through silently
/// when the package's default Linux build cannot load (it needs libsasl2.so.3, which Debian 12 lacks): to the
/// system's librdkafka (Debian's 2.0.2, which kcat brings) or to the package's centos8 build, whichever it meets.
/// </summary>
public static class BundledLibRdKafka
{
    private static readonly string[] FileNames = ["librdkafka.so", "centos8-librdkafka.so", "alpine-librdkafka.so"];

    private static readonly Lazy<LoadedLibRdKafka> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The file every librdkafka call of this process binds to.</summary>
    public static string Path => Loaded.Value.Path;

    /// <summary>librdkafka's own version string, e.g. <c>2.16.0</c>.</summary>
    public static string Version => Loaded.Value.Version;

    internal static IntPtr Handle => Loaded.Value.Handle;

    /// <summary>
    /// Loads the bundled library and routes Confluent.Kafka to it; call before any Kafka client is built. Throws
    /// <see cref="LibRdKafkaMismatchException"/> (a one-line message) when no bundled build loads, or when the
    /// library Confluent.Kafka reports is not the version it was built for.
    /// </summary>
    public static void EnsureLoaded() => _ = Loaded.Value;

    private static LoadedLibRdKafka Load()
    {
        var (handle, path) = LoadFirstCandidate();
        // Asked of the file itself, before Confluent.Kafka binds to it (it refuses some versions with its own exception).
        var found = VersionOf(handle);
        var expected = typeof(Library).Assembly.GetName().Version ?? new Version(0, 0);
        if (!found.StartsWith($"{expected.Major}.{expected.Minor}.", StringComparison.Ordinal))
        {
            throw new LibRdKafkaMismatchException(
                $"librdkafka {found} was loaded from {path}, but Confluent.Kafka {expected.ToString(3)} needs librdkafka {expected.Major}.{expected.Minor}.x from librdkafka.redist.");
        }

        DllImportResolver resolver = (name, _, _) => name.Contains("librdkafka", StringComparison.Ordinal) ? handle : IntPtr.Zero;
        NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, resolver);
        NativeLibrary.SetDllImportResolver(typeof(BundledLibRdKafka).Assembly, resolver);
        return new LoadedLibRdKafka(handle, path, found);
    }

    private static unsafe string VersionOf(IntPtr handle)
    {
        var versionString = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "rd_kafka_version_str");
        return Marshal.PtrToStringUTF8(versionString()) ?? "of unknown version";
    }

    /// <summary>The package's builds in the native search directories of this application, best first; the first that loads.</summary>
    private static (IntPtr Handle, string Path) LoadFirstCandidate()
    {
        var failures = new List<string>();
        foreach (var candidate in CandidatePaths())
        {
            try
            {
                return (NativeLibrary.Load(candidate), candidate);
            }
            catch (DllNotFoundException e)
            {
                failures.Add($"{candidate}: {FirstLine(e.Message)}");
            }
        }

        throw new LibRdKafkaMismatchException(
            failures.Count == 0
                ? $"No bundled librdkafka (librdkafka.redist) beside the application in {AppContext.BaseDirectory}."
                : $"No bundled librdkafka loads: {string.Join("; ", failures)}.");
    }

    private static IEnumerable<string> CandidatePaths()
    {
        var directories = new List<string> { AppContext.BaseDirectory };
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirectories)
        {
            directories.InsertRange(0, searchDirectories.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }

        directories.Add(System.IO.Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native"));
        directories.Add(System.IO.Path.Combine(AppContext.BaseDirectory, "runtimes", $"linux-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}", "native"));
        return FileNames
            .SelectMany(file => directories.Select(directory => System.IO.Path.Combine(directory, file)))
            .Select(System.IO.Path.GetFullPath)
            .Distinct(StringComparer.Ordinal)
            .Where(File.Exists);
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private sealed record LoadedLibRdKafka(IntPtr Handle, string Path, string Version);
}
