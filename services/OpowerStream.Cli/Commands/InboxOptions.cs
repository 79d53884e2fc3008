using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpowerStream.Extractor;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// The options every command that reads the inbox shares (<c>run</c>, <c>extract</c>) and how they
/// become configuration: the service options plus <c>--inbox</c>, <c>--once</c>, <c>--reprocess</c>.
/// </summary>
internal sealed class InboxOptions(string onceDescription)
{
    public ServiceOptions Service { get; } = new();

    public Option<DirectoryInfo> Inbox { get; } = new("--inbox") { Description = "The folder inbound files are dropped into", Required = true };

    public Option<bool> Once { get; } = new("--once") { Description = onceDescription };

    public Option<bool> Reprocess { get; } = new("--reprocess")
    {
        Description = "Publish true re-sends (a name whose same content, by SHA-256, the ledger shows published) instead of skipping them as duplicates",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Inbox);
        command.Options.Add(Once);
        command.Options.Add(Reprocess);
        Service.AddTo(command);
    }

    public bool IsOnce(ParseResult parse) => parse.GetValue(Once);

    /// <summary>
    /// A host builder whose configuration carries the options given (they override appsettings and
    /// environment). On an interactive terminal the extractor draws a progress bar per file (and logs
    /// only its warnings, which would tear the bars); otherwise it logs structured progress lines.
    /// </summary>
    public HostApplicationBuilder CreateHostBuilder(ParseResult parse)
    {
        var overrides = Service.Overrides(parse);
        overrides["Extractor:Inbox"] = parse.GetRequiredValue(Inbox).FullName;
        overrides["Extractor:Once"] = parse.GetValue(Once) ? "true" : "false";
        overrides["Extractor:Reprocess"] = parse.GetValue(Reprocess) ? "true" : null;
        var builder = CliConfiguration.CreateHostBuilder(overrides);
        if (TerminalProgress.IsAvailable)
        {
            builder.Services.AddSingleton<IExtractionProgress, TerminalProgress>();
            builder.Logging.AddFilter("OpowerStream.Extractor", LogLevel.Warning);
        }

        return builder;
    }
}
