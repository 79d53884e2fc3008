using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests.Reliability;

/// <summary>
/// A PostgreSQL 15 cluster of one test's own, in a temporary folder on a free loopback port, so the
/// test can stop it (<c>pg_ctl stop -m immediate</c>, a crash) without touching the server other
/// tests share. Runs as the postgres user, since initdb refuses root.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private const string Binaries = "/usr/lib/postgresql/15/bin";
    private readonly ITestOutputHelper output;
    private readonly string folder;
    private readonly string data;
    private readonly int port;

    private PrivatePostgres(ITestOutputHelper output, string folder, int port)
    {
        this.output = output;
        this.folder = folder;
        this.port = port;
        data = Path.Combine(folder, "data");
    }

    public string ConnectionString => $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=10";

    public static async Task<PrivatePostgres> StartAsync(ITestOutputHelper output)
    {
        var folder = Directory.CreateTempSubdirectory("opowerstream-pg-").FullName;
        var server = new PrivatePostgres(output, folder, FreeLoopbackPort());
        await RunAsync(output, "chown", "postgres:postgres", folder);
        await server.AsPostgresAsync($"{Binaries}/initdb", "-D", server.data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
        await server.StartAgainAsync();
        return server;
    }

    public Task StartAgainAsync() => AsPostgresAsync($"{Binaries}/pg_ctl", "-D", data, "-l", Path.Combine(folder, "server.log"), "-w",
        "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start");

    /// <summary>Stops the server the way a crash does: no shutdown checkpoint, every connection cut.</summary>
    public Task StopImmediatelyAsync() => AsPostgresAsync($"{Binaries}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopImmediatelyAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(folder, recursive: true);
    }

    private Task AsPostgresAsync(params string[] command) => RunAsync(output, "runuser", ["-u", "postgres", "--", .. command]);

    private static async Task RunAsync(ITestOutputHelper output, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var text = $"{program} {string.Join(' ', arguments)} -> {process.ExitCode}\n{await stdout}{await stderr}";
        output.WriteLine(text);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(text);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
