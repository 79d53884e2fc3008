using System.CommandLine;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary><c>export rates|rejects|intervals|service-quantities|files|completeness</c>: the store's state as CSV, sorted by key.</summary>
internal static class ExportCommand
{
    private const string Completeness = "completeness";

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
        string[] names = [.. Exports.Keys, Completeness];
        var what = new Argument<string>("what") { Description = string.Join(" | ", names) };
        what.AcceptOnlyFromAmong(names);
        var store = CommonOptions.Store();
        var from = CommonOptions.Day("--from", "completeness: the first local day (yyyy-MM-dd; default: the first day holding an interval)");
        var to = CommonOptions.Day("--to", "completeness: the last local day (yyyy-MM-dd; default: the last day holding an interval)");
        var onlyIncomplete = new Option<bool>("--only-incomplete") { Description = "completeness: only the days with intervals missing" };
        var command = new Command("export", "Print the materialized state as CSV with a header, sorted by key (datetimes UTC, yyyy-MM-ddTHH:mm:ssZ)")
        {
            what, store, from, to, onlyIncomplete,
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

            var name = parse.GetRequiredValue(what);
            var filter = new CompletenessFilter(parse.GetValue(from), parse.GetValue(to), parse.GetValue(onlyIncomplete));
            var opened = await CliConfiguration.OpenStoreAsync(location, ct).ConfigureAwait(false);
            await using (opened.ConfigureAwait(false))
            {
                var export = name == Completeness
                    ? (s, output, token) => CsvExports.CompletenessAsync(s, output, filter, token)
                    : Exports[name];
                await export(opened, Console.Out, ct).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
