using System.Text.Json;
using OpowerStream.Testing;

namespace OpowerStream.IntegrationTests.Monitoring;

/// <summary>
/// The monitoring tools the tests check the compose stack with, all from Debian's packages
/// (infra/scripts/install-deps.sh): <c>docker-compose</c> (validates a compose file without a Docker
/// engine), Prometheus' <c>promtool</c>, and PyYAML (a docker-compose dependency) to read YAML as JSON.
/// A missing tool fails the test with the package to install: these checks are never skipped.
/// </summary>
internal static class MonitoringTools
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The compose file as docker-compose resolves it (anchors merged, variables substituted), as JSON.</summary>
    public static async Task<JsonElement> ComposeConfigAsync()
    {
        var resolved = await RunAsync("docker-compose", "docker-compose", "-f", RepositoryRoot.Combine("docker-compose.yml"), "config");
        return await YamlAsJsonAsync(resolved);
    }

    public static async Task<JsonElement> ReadYamlAsync(string path) => await YamlAsJsonAsync(await File.ReadAllTextAsync(path));

    /// <summary>promtool's verdict on a Prometheus configuration; fails the test with promtool's words.</summary>
    public static Task<string> CheckPrometheusConfigAsync(string path) => RunAsync("prometheus", "promtool", "check", "config", path);

    public static string RequireExecutable(string package, string name)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
        Assert.True(found is not null, $"{name} is not installed: run 'apt-get install -y {package}' (infra/scripts/install-deps.sh does).");
        return found!;
    }

    // Debian's interpreter, not a pyenv one first on PATH: PyYAML comes with Debian's docker-compose.
    private static async Task<JsonElement> YamlAsJsonAsync(string yaml)
    {
        var json = await RunAsync("python3-yaml", "/usr/bin/python3", ["-c", "import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"], yaml);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static Task<string> RunAsync(string package, string executable, params string[] arguments) => RunAsync(package, executable, arguments, input: null);

    private static Task<string> RunAsync(string package, string executable, string[] arguments, string? input)
    {
        var (exitCode, output, error) = ToolProcess.Run(executable.StartsWith('/') ? executable : RequireExecutable(package, executable), arguments, Timeout, input: input);
        Assert.True(exitCode == 0, $"{executable} {string.Join(' ', arguments)} exited with {exitCode}:\n{error}{output}");
        return Task.FromResult(output);
    }
}
