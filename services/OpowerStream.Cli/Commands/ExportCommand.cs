using System.CommandLine;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary><c>export rates|rejects|intervals|service-quantities</c>: the store's state as CSV, sorted by key.</summary>
internal static class ExportCommand
{
    private static readonly Dictionary<string, Func<IPipelineStore, TextWriter, CancellationToken, Task>> Exports = new(StringComparer.Ordinal)
    {
        ["rates"] = CsvExports.RatesAsync,
        ["rejects"] = CsvExports.RejectsAsync,
        ["intervals"] = CsvExports.IntervalsAsync,
        ["service-quantities"] = CsvExports.ServiceQuantitiesAsync,
        ["files"] = CsvExports.FilesAsync,
    };

    public static Command Create()
    {
        var what = new Argument<string>("what") { Description = string.Join(" | ", Exports.Keys) };
        what.AcceptOnlyFromAmong([.. Exports.Keys]);
        var store = CommonOptions.Store();
        var command = new Command("export", "Print the materialized state as CSV with a header, sorted by key (datetimes UTC, yyyy-MM-ddTHH:mm:ssZ)")
        {
            what, store,
        };
        command.SetAction(async (parse, ct) =>
        {
            StoreLocation location;
            try
            {
                location = StoreLocation.Parse(CliConfiguration.StoreLocation(parse.GetValue(store)));
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync($"export: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            var opened = await PipelineStores.OpenAsync(location, ct).ConfigureAwait(false);
            await using (opened.ConfigureAwait(false))
            {
                await Exports[parse.GetRequiredValue(what)](opened, Console.Out, ct).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
