using System.Diagnostics;
using OpowerStream.Testing;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// <c>opower-stream</c> runs on the librdkafka shipped with Confluent.Kafka, and only on it; and the image is built
/// the same way. Debian's librdkafka 2.0.2 is on this machine (kcat brings it, infra/scripts/install-deps.sh).
/// </summary>
public sealed class NativeLibraryProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string DebianLibRdKafka = "/usr/lib/x86_64-linux-gnu/librdkafka.so.1";
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("opowerstream-native-");

    [Fact]
    public async Task The_version_names_the_product_the_bundled_librdkafka_file_and_apache_avro()
    {
        var (exitCode, stdout, _) = await RunVersionAsync(AppContext.BaseDirectory);

        Assert.Equal(0, exitCode);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("opower-stream ", lines[0], StringComparison.Ordinal);
        Assert.Matches($@"^librdkafka 2\.16\.\d+ \({AppContext.BaseDirectory.TrimEnd('/')}/runtimes/linux-x64/native/[a-z0-9-]*librdkafka\.so\)$", lines[1]);
        Assert.Matches(@"^Confluent\.Kafka 2\.16\.\d+$", lines[2]);
        Assert.Matches(@"^Apache\.Avro 1\.12\.\d+$", lines[3]);
    }

    [Fact]
    public async Task Given_only_another_librdkafka_the_process_refuses_to_start_with_one_line_naming_its_version()
    {
        Assert.True(File.Exists(DebianLibRdKafka), $"{DebianLibRdKafka} is missing: infra/scripts/install-deps.sh installs kcat, which brings it.");
        // The application without its bundled native builds, and Debian's library where the package's default build goes.
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory))
        {
            File.Copy(file, Path.Combine(work.FullName, Path.GetFileName(file)));
        }

        var native = Directory.CreateDirectory(Path.Combine(work.FullName, "runtimes", "linux-x64", "native"));
        File.Copy(DebianLibRdKafka, Path.Combine(native.FullName, "librdkafka.so"));

        var (exitCode, stdout, stderr) = await RunVersionAsync(work.FullName);

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        Assert.Equal(
            $"opower-stream: librdkafka 2.0.2 was loaded from {native.FullName}/librdkafka.so, but Confluent.Kafka 2.16.0 needs librdkafka 2.16.x from librdkafka.redist.",
            stderr.TrimEnd('\n'));
    }

    [Fact]
    public void The_image_publishes_with_the_bundled_native_library_runs_unprivileged_and_sends_no_build_output_as_context()
    {
        var dockerfile = File.ReadAllLines(RepositoryRoot.Combine("infra", "docker", "Dockerfile"))
            .Where(line => !line.TrimStart().StartsWith('#'))
            .ToList();
        var dockerignore = File.ReadAllLines(RepositoryRoot.Combine(".dockerignore"));

        Assert.Contains(dockerfile, line => line.Contains("dotnet publish", StringComparison.Ordinal) && line.Contains("-r linux-x64", StringComparison.Ordinal));
        Assert.DoesNotContain(dockerfile, line => line.Contains("rdkafka", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("USER $APP_UID", dockerfile.Last(line => line.StartsWith("USER ", StringComparison.Ordinal)));
        Assert.Subset(dockerignore.ToHashSet(), new HashSet<string> { ".git", "**/bin", "**/obj", ".artifacts", "data" });
    }

    public void Dispose() => work.Delete(recursive: true);

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunVersionAsync(string applicationDirectory)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(applicationDirectory, "opower-stream.dll"), "--version"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        output.WriteLine($"exit {process.ExitCode}\n{await stdout}{await stderr}");
        return (process.ExitCode, await stdout, await stderr);
    }
}
