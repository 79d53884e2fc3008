using System.CommandLine;
using Microsoft.Extensions.Logging;
using OpowerStream.Cli.Soak;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// <c>soak</c>: the pipeline for a bounded time on generated files with broker faults and consumer
/// restarts injected at random, then the store checked against the generator's truth. Exit 0 when it
/// matches exactly, 1 when not.
/// </summary>
internal static class SoakCommand
{
    public static Command Create()
    {
        var minutes = new Option<double>("--minutes") { Description = "How long files keep arriving and faults keep coming", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Random seed for the files and the faults", DefaultValueFactory = _ => 1 };
        var work = new Option<DirectoryInfo?>("--work") { Description = "Folder for the files, inbox and SQLite store (default: a new temporary folder)" };
        var store = new Option<string?>("--store") { Description = "sqlite:PATH or postgres:CONNECTION_STRING (default: a SQLite file in the work folder)" };
        var command = new Command("soak", "Run the pipeline on generated files under random broker faults and consumer restarts, then check the store against the generator's truth")
        {
            minutes, seed, work, store,
        };
        command.SetAction(async (parse, ct) =>
        {
            var duration = parse.GetValue(minutes);
            if (!(duration > 0 && duration <= 24 * 60))
            {
                await Console.Error.WriteLineAsync($"soak: --minutes must be above 0 and at most 1440 (got {duration})").ConfigureAwait(false);
                return 2;
            }

            var folder = parse.GetValue(work)?.FullName ?? Directory.CreateTempSubdirectory("opowerstream-soak-").FullName;
            var report = await new SoakRun(
                new SoakOptions
                {
                    Duration = TimeSpan.FromMinutes(duration),
                    Seed = parse.GetValue(seed),
                    WorkDirectory = folder,
                    StoreLocation = parse.GetValue(store),
                },
                Console.Out,
                logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)).RunAsync(ct).ConfigureAwait(false);
            return report.Passed ? 0 : 1;
        });
        return command;
    }
}
