using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests.Monitoring;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c>) on loopback, scraping the given targets every
/// second, with its own configuration and data folder; queried through its HTTP API as Grafana does.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process process;
    private readonly string directory;

    private PrometheusServer(Process process, string directory, Uri address)
    {
        this.process = process;
        this.directory = directory;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts Prometheus scraping <c>/metrics</c> of <paramref name="target"/> (host:port) as job <paramref name="job"/>.</summary>
    public static async Task<PrometheusServer> StartAsync(string job, string target, ITestOutputHelper output)
    {
        var executable = MonitoringTools.RequireExecutable("prometheus", "prometheus");
        var directory = Directory.CreateTempSubdirectory("opowerstream-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: {job}
                static_configs:
                  - targets: ["{target}"]
            """);
        var address = ServiceEndpoints.Local(ServiceEndpoints.FreePort());
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                     $"--web.listen-address={address.Authority}", "--web.enable-lifecycle"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        process.OutputDataReceived += (_, e) => Log(output, e.Data);
        process.ErrorDataReceived += (_, e) => Log(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, address);
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        return server;
    }

    /// <summary>An instant query; returns the result vector (fails the test when Prometheus refuses the expression).</summary>
    public async Task<JsonElement> QueryAsync(string expression)
    {
        var url = new Uri(Address, "/api/v1/query?query=" + Uri.EscapeDataString(expression)
            + "&time=" + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        using var response = await Http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(body);
        Assert.True(document.RootElement.GetProperty("status").GetString() == "success", $"Prometheus refused '{expression}': {body}");
        return document.RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    /// <summary>Queries until the expression returns at least one series, as a dashboard would after a few scrapes.</summary>
    public async Task<JsonElement> QueryUntilPresentAsync(string expression, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var result = await QueryAsync(expression);
            if (result.GetArrayLength() > 0 || DateTime.UtcNow > deadline)
            {
                return result;
            }

            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private static void Log(ITestOutputHelper output, string? line)
    {
        if (line is not null && (line.Contains("level=error", StringComparison.Ordinal) || line.Contains("level=warn", StringComparison.Ordinal)))
        {
            try
            {
                output.WriteLine("prometheus: " + line);
            }
            catch (InvalidOperationException)
            {
                // The test has finished; its output is closed.
            }
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"prometheus exited with {(process.HasExited ? process.ExitCode : 0)}");
            try
            {
                using var response = await Http.GetAsync(new Uri(Address, "/-/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"prometheus at {Address} not ready within {timeout}");
    }
}
