using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// The <c>opower-stream</c> executable in its own process, with its own environment, as operators run
/// it. Output is captured line by line as it comes, so a test can wait for a line, kill the process
/// part-way (crash tests) or wait for its exit. Disposing kills a process that is still running.
/// </summary>
public sealed class OpowerStreamProcess : IDisposable
{
    private readonly Process process;
    private readonly ITestOutputHelper output;
    private readonly string commandLine;
    private readonly ConcurrentQueue<string> stdoutLines = new();
    private readonly ConcurrentQueue<string> stderrLines = new();
    private readonly TaskCompletionSource outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int openStreams = 2;

    private OpowerStreamProcess(ITestOutputHelper output, string workingDirectory, string[] arguments,
        (string Name, string Value)[] environment)
    {
        this.output = output;
        commandLine = "opower-stream " + string.Join(' ', arguments);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
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

        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Collect(stdoutLines, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(stderrLines, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public string Stdout => string.Join('\n', stdoutLines);

    public string Stderr => string.Join('\n', stderrLines);

    /// <summary>Starts the executable and returns while it runs.</summary>
    public static OpowerStreamProcess Start(ITestOutputHelper output, string workingDirectory, string[] arguments,
        params (string Name, string Value)[] environment) =>
        new(output, workingDirectory, arguments, environment);

    /// <summary>Runs the executable to its exit and returns its exit code and output.</summary>
    public static async Task<Result> RunAsync(ITestOutputHelper output, string workingDirectory, string[] arguments,
        params (string Name, string Value)[] environment)
    {
        using var process = Start(output, workingDirectory, arguments, environment);
        return await process.WaitForExitAsync(TimeSpan.FromMinutes(3)).ConfigureAwait(false);
    }

    /// <summary>Waits for the exit (killing the process if it outlives <paramref name="timeout"/>) and for all its output.</summary>
    public async Task<Result> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Kill();
            throw new TimeoutException($"{commandLine} did not exit within {timeout}:\n{Stdout}\n{Stderr}");
        }

        await outputClosed.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        var result = new Result(process.ExitCode, Stdout, Stderr);
        output.WriteLine($"{commandLine} -> {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        return result;
    }

    /// <summary>Waits until a line of standard output satisfies <paramref name="match"/> and returns it.</summary>
    public async Task<string> WaitForStdoutLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var line = stdoutLines.FirstOrDefault(match);
            if (line is not null)
            {
                return line;
            }

            if (process.HasExited || deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"{commandLine}: no matching line on standard output (exited: {process.HasExited}):\n{Stdout}\n{Stderr}");
            }

            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Kills the process and its children at once (SIGKILL): a crash, not a shutdown.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            output.WriteLine($"{commandLine}: killed\n{Stdout}\n{Stderr}");
        }
    }

    /// <summary>Asks the process to stop (SIGTERM), as an orchestrator does; then <see cref="WaitForExitAsync"/>.</summary>
    public void Terminate()
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
            kill.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    private void Collect(ConcurrentQueue<string> lines, string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
        else if (Interlocked.Decrement(ref openStreams) == 0)
        {
            outputClosed.TrySetResult();
        }
    }
}
