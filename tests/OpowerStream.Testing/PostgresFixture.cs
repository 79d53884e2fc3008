using System.Diagnostics;
using Npgsql;
using Xunit;

namespace OpowerStream.Testing;

/// <summary>
/// A PostgreSQL server for tests: the connection string in <c>OPOWERSTREAM_TEST_POSTGRES</c> when
/// set, else the local cluster started once per test process by infra/scripts/start-postgres.sh.
/// Each test gets its own empty database, dropped when the fixture is disposed.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string ConnectionStringVariable = "OPOWERSTREAM_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> ServerConnectionString = new(FindServerAsync);

    private readonly List<string> createdDatabases = [];

    public Task InitializeAsync() => ServerConnectionString.Value;

    /// <summary>Creates a unique empty database named after the test and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string testName)
    {
        var server = await ServerConnectionString.Value;
        var name = UniqueDatabaseName(testName);
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            // Identifiers cannot be parameters; the name is built from [a-z0-9_] only.
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        lock (createdDatabases)
        {
            createdDatabases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (createdDatabases.Count == 0)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(await ServerConnectionString.Value);
        await connection.OpenAsync();
        foreach (var name in createdDatabases)
        {
            await DropAsync(connection, name);
        }
    }

    /// <summary>
    /// Drops a test database and ends its sessions. An autovacuum worker in it cannot be ended by the tests' role
    /// (SQLSTATE 42501, the server's own process); it is done with a small database within moments, so the drop
    /// is tried again for up to 30 s.
    /// </summary>
    private static async Task DropAsync(NpgsqlConnection connection, string name)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    private static string UniqueDatabaseName(string testName)
    {
        var cleaned = new string(testName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var prefix = cleaned.Length > 40 ? cleaned[..40] : cleaned;
        return $"t_{prefix}_{suffix}";
    }

    private static async Task<string> FindServerAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        var script = RepositoryRoot.Combine("infra", "scripts", "start-postgres.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"Could not start {script}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed with exit code {process.ExitCode}: {await errors}");
        }

        return (await output).Trim().Split('\n')[^1];
    }
}
