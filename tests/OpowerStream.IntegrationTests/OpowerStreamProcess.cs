using System.Diagnostics;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests;

/// <summary>Runs the <c>opower-stream</c> executable in its own process, with its own environment, as operators do.</summary>
internal static class OpowerStreamProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(ITestOutputHelper output, string[] arguments, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "opower-stream.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var result = new Result(process.ExitCode, await stdout, await stderr);
        output.WriteLine($"opower-stream {string.Join(' ', arguments)} -> {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        return result;
    }
}
