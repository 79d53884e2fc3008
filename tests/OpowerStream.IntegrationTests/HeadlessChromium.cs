using System.Diagnostics;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// Debian's <c>chromium</c> (infra/scripts/install-deps.sh) loading a local page headless, as an operator's browser
/// would: the DOM after the page's scripts ran, every line the page wrote to the console, and a screenshot.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public sealed record Rendered(string Dom, IReadOnlyList<string> ConsoleLines);

    /// <summary>Loads <paramref name="page"/> (with <paramref name="fragment"/> after a '#', when given) and takes its screenshot.</summary>
    public static async Task<Rendered> RenderAsync(string page, string screenshot, ITestOutputHelper output, string? fragment = null)
    {
        var url = new Uri(page).AbsoluteUri + (fragment is null ? "" : "#" + fragment);
        var (dom, log) = await RunAsync(output, "--enable-logging=stderr", "--v=0", "--dump-dom", url);
        await RunAsync(output, "--hide-scrollbars", "--window-size=1400,1000", $"--screenshot={screenshot}", url);
        Assert.True(File.Exists(screenshot), $"chromium wrote no screenshot; its log:\n{log}");
        // Chromium logs what a page writes to its console (errors and uncaught exceptions too) as "...:CONSOLE:line] ...".
        var console = log.Split('\n').Where(line => line.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
        return new Rendered(dom, console);
    }

    private static async Task<(string Stdout, string Stderr)> RunAsync(ITestOutputHelper output, params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("opowerstream-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo("chromium")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            // Root in CI has no user namespace sandbox; the page is our own file.
            foreach (var argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", $"--user-data-dir={profile}", .. arguments])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
            using var timeout = new CancellationTokenSource(Timeout);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            output.WriteLine($"chromium {string.Join(' ', arguments)}: exit {process.ExitCode}");
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}:\n{await stderr}");
            return (await stdout, await stderr);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
