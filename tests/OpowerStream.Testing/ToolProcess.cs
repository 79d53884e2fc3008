using System.Diagnostics;
using System.Text;
using Xunit;

namespace OpowerStream.Testing;

/// <summary>Runs a command-line tool the tests check the product against (Debian's python3, docker-compose, promtool...).</summary>
public static class ToolProcess
{
    /// <summary>
    /// Runs <paramref name="executable"/> to its end, feeding <paramref name="input"/> on standard input when given;
    /// fails the test when it outlasts <paramref name="timeout"/>. A pyenv environment never leaks into Debian's interpreter.
    /// </summary>
    public static (int ExitCode, string Output, string Error) Run(
        string executable, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null, string? input = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Remove("PYTHONPATH");
        startInfo.Environment.Remove("PYTHONHOME");

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{executable} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{executable} did not finish within {timeout.TotalSeconds} s.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
