using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpowerStream.Extractor;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// <c>extract</c>: the extractor alone, as its own process, publishing to a broker that outlives it
/// (consumers run elsewhere). Killed at any point, a restart finishes the file it was on.
/// <c>--once</c> handles the files present, prints one line per file and exits.
/// </summary>
internal static class ExtractCommand
{
    public static Command Create()
    {
        var options = new InboxOptions("Process the files present, print one line per file and exit");
        var command = new Command("extract", "Run the extractor alone: publish the inbox's files to Kafka for consumers running elsewhere");
        options.AddTo(command);
        command.SetAction((parse, ct) => ServiceOptions.ReportingBadSettingsAsync("extract", () =>
            ExtractAsync(options.CreateHostBuilder(parse), options.IsOnce(parse), ct)));
        return command;
    }

    private static async Task<int> ExtractAsync(HostApplicationBuilder builder, bool once, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["Kafka:BootstrapServers"]))
        {
            // An embedded broker would vanish with this process, and its events with it.
            await Console.Error.WriteLineAsync(
                "extract: a broker is needed: --bootstrap-servers or Kafka:BootstrapServers (for a local one, see dev-broker)").ConfigureAwait(false);
            return 2;
        }

        using var host = builder.AddExtractorService().Build();
        if (!once)
        {
            await host.RunAsync(ct).ConfigureAwait(false);
            return 0;
        }

        await host.StartAsync(ct).ConfigureAwait(false);
        IReadOnlyList<FileOutcome> outcomes;
        try
        {
            outcomes = await host.Services.GetRequiredService<ExtractionRun>().Completed.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        host.Dispose(); // ends a live progress display before the summary is printed
        RunSummary.PrintOutcomes(Console.Out, outcomes);
        return outcomes.Any(o => o.Kind == FileOutcomeKind.Failed) ? 1 : 0;
    }
}
