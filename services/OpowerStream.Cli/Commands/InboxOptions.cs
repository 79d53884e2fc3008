using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpowerStream.Extractor;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// The options every command that reads the inbox shares (<c>run</c>, <c>extract</c>) and how they
/// become configuration: <c>--inbox</c>, <c>--store</c>, <c>--bootstrap-servers</c>, <c>--once</c>, <c>--reprocess</c>.
/// </summary>
internal sealed class InboxOptions
{
    public InboxOptions(string onceDescription)
    {
        Once = new Option<bool>("--once") { Description = onceDescription };
    }

    public Option<DirectoryInfo> Inbox { get; } = new("--inbox") { Description = "The folder inbound files are dropped into", Required = true };

    public Option<string?> Store { get; } = CommonOptions.Store();

    public Option<string?> BootstrapServers { get; } = CommonOptions.BootstrapServers();

    public Option<bool> Once { get; }

    public Option<bool> Reprocess { get; } = new("--reprocess")
    {
        Description = "Publish files whose content (SHA-256) the ledger shows already published, instead of refusing them as duplicate_file",
    };

    public IEnumerable<Option> All => [Inbox, Store, BootstrapServers, Once, Reprocess];

    public bool IsOnce(ParseResult parse) => parse.GetValue(Once);

    /// <summary>
    /// A host builder whose configuration carries the options given (they override appsettings and
    /// environment). On an interactive terminal the extractor draws a progress bar per file (and logs
    /// only its warnings, which would tear the bars); otherwise it logs structured progress lines.
    /// </summary>
    public HostApplicationBuilder CreateHostBuilder(ParseResult parse)
    {
        var builder = CliConfiguration.CreateHostBuilder(new Dictionary<string, string?>
        {
            ["Extractor:Inbox"] = parse.GetRequiredValue(Inbox).FullName,
            ["Extractor:Once"] = parse.GetValue(Once) ? "true" : "false",
            ["Extractor:Reprocess"] = parse.GetValue(Reprocess) ? "true" : null,
            ["Store:Location"] = parse.GetValue(Store),
            ["Kafka:BootstrapServers"] = parse.GetValue(BootstrapServers),
        });
        if (TerminalProgress.IsAvailable)
        {
            builder.Services.AddSingleton<IExtractionProgress, TerminalProgress>();
            builder.Logging.AddFilter("OpowerStream.Extractor", LogLevel.Warning);
        }

        return builder;
    }

    /// <summary>Runs a command's work; a setting that fails validation stops it with a one-line message and exit code 2.</summary>
    public static async Task<int> ReportingBadSettingsAsync(string commandName, Func<Task<int>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"{commandName}: the configuration is not usable: {string.Join("; ", e.Failures)}").ConfigureAwait(false);
            return 2;
        }
    }
}
