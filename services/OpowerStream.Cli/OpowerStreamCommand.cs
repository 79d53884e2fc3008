using System.CommandLine;
using OpowerStream.Cli.Commands;

namespace OpowerStream.Cli;

/// <summary>The <c>opower-stream</c> command line: a stable contract for operators and scripts.</summary>
public static class OpowerStreamCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("OpowerStream: ingest Opower utility files (interval reads, bill service quantities, service-agreement rates) through Kafka into a materialized store.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ExtractCommand.Create());
        root.Subcommands.Add(ConsumeCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(DevBrokerCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(RedriveCommand.Create());
        root.Subcommands.Add(PeekCommand.Create());
        root.Subcommands.Add(SoakCommand.Create());
        root.Options.OfType<VersionOption>().Single().Action = new ProductVersions();
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A command line that does not parse (an unknown command or option,
    /// a missing required one, a validator's refusal) exits <see cref="ExitCodes.Usage"/> on every command, after
    /// System.CommandLine printed the errors and the help; System.CommandLine alone would exit 1, the code of a failure.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration invocation)
    {
        var parse = Create().Parse(args);
        var exitCode = await parse.InvokeAsync(invocation).ConfigureAwait(false);
        return parse.Errors.Count > 0 ? ExitCodes.Usage : exitCode;
    }
}
