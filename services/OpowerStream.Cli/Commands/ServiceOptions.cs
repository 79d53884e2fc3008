using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// What every long-running service command (<c>run</c>, <c>consume</c>, <c>extract</c>) takes on its
/// command line: the store, the brokers, the health port and the client settings file, turned into configuration overrides
/// (they beat appsettings.json and environment variables).
/// </summary>
internal sealed class ServiceOptions(Option<string?> bootstrapServers)
{
    public ServiceOptions()
        : this(CommonOptions.BootstrapServers())
    {
    }

    public Option<string?> Store { get; } = CommonOptions.Store();

    public Option<string?> BootstrapServers { get; } = bootstrapServers;

    public Option<int?> HealthPort { get; } = CommonOptions.HealthPort();

    public Option<FileInfo> CommandConfig { get; } = CommonOptions.CommandConfig();

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Store);
        command.Options.Add(BootstrapServers);
        command.Options.Add(HealthPort);
        command.Options.Add(CommandConfig);
    }

    public Dictionary<string, string?> Overrides(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new Dictionary<string, string?>(CommonOptions.CommandConfigOverrides(parse.GetValue(CommandConfig)), StringComparer.Ordinal)
        {
            ["Store:Location"] = parse.GetValue(Store),
            ["Kafka:BootstrapServers"] = parse.GetValue(BootstrapServers),
            ["Health:Port"] = parse.GetValue(HealthPort)?.ToString(CultureInfo.InvariantCulture),
        };
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
