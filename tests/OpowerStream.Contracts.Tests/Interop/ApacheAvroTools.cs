using OpowerStream.Testing;

namespace OpowerStream.Contracts.Tests.Interop;

/// <summary>
/// Runs Apache Avro's Python implementation from Debian: python3-avro (through Debian's interpreter,
/// not the pyenv one first on PATH). A missing tool fails the test with the package to install:
/// interoperability is part of the contract, so it must never be skipped.
/// </summary>
internal sealed class ApacheAvroTools : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // apache_avro.py exits with this when it cannot import avro.
    private const int AvroMissingExitCode = 3;

    private static readonly string ScriptPath = Path.Combine(AppContext.BaseDirectory, "Interop", "apache_avro.py");

    public ApacheAvroTools() => Directory.CreateDirectory(WorkDirectory);

    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "opowerstream-avro-" + Guid.NewGuid().ToString("N"));

    public string PathFor(string fileName) => Path.Combine(WorkDirectory, fileName);

    /// <summary>Runs a command of apache_avro.py; returns its standard output lines.</summary>
    public IReadOnlyList<string> RunPython(params string[] arguments)
    {
        Require(Python, "Debian's python3 (apt-get install python3 python3-avro)");
        var (exitCode, output, error) = Run(Python, [ScriptPath, .. arguments]);
        if (exitCode == AvroMissingExitCode)
        {
            Assert.Fail($"python3-avro is not installed for {Python}: run 'apt-get install -y python3-avro'. {error}");
        }

        Assert.True(exitCode == 0, $"{Python} {string.Join(' ', arguments)} exited with {exitCode}:\n{error}");
        return Lines(output);
    }

    public void Dispose() => Directory.Delete(WorkDirectory, recursive: true);

    private static void Require(string path, string what)
    {
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing: install {what}.");
        }
    }

    private static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private (int ExitCode, string Output, string Error) Run(string executable, IEnumerable<string> arguments) =>
        ToolProcess.Run(executable, arguments, Timeout, WorkDirectory);
}
