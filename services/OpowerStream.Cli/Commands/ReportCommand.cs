using System.CommandLine;
using OpowerStream.Domain.Completeness;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary><c>report --out FILE.html</c>: the store's reconciliation, rejects and interval completeness as one self-contained HTML page.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var output = new Option<FileInfo>("--out") { Description = "The HTML file to write", Required = true };
        var from = CommonOptions.Day("--from", "The first local day of the completeness heat map (yyyy-MM-dd; default: the first day holding an interval)");
        var to = CommonOptions.Day("--to", "The last local day (yyyy-MM-dd; default: the last day holding an interval)");
        var command = new Command("report", "Write one self-contained HTML page: per-file reconciliation, rejects by rule, a completeness heat map and the least complete meters")
        {
            store, output, from, to,
        };
        command.SetAction(async (parse, ct) =>
        {
            var location = StoreLocation.Parse(CliConfiguration.StoreLocation(parse.GetValue(store)));
            var opened = await CliConfiguration.OpenStoreAsync(location, ct).ConfigureAwait(false);
            await using (opened.ConfigureAwait(false))
            {
                var data = await LoadAsync(opened, location.ToString(), new CompletenessFilter(parse.GetValue(from), parse.GetValue(to)), ct)
                    .ConfigureAwait(false);
                var file = parse.GetRequiredValue(output);
                await File.WriteAllTextAsync(file.FullName, HtmlReport.Render(data), ct).ConfigureAwait(false);
                await Console.Out.WriteLineAsync($"report: {file.FullName}").ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    public static async Task<ReportData> LoadAsync(IPipelineStore store, string storeName, CompletenessFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var files = await store.GetFilesAsync(ct).ConfigureAwait(false);
        var rejects = new Dictionary<(string Entity, string Rule), long>();
        await foreach (var reject in store.ReadRejectsAsync(ct).ConfigureAwait(false))
        {
            rejects[(reject.Entity, reject.Rule)] = rejects.GetValueOrDefault((reject.Entity, reject.Rule)) + 1;
        }

        var series = new List<SeriesCompleteness>();
        var days = new List<DayCompleteness>();
        await foreach (var day in CompletenessDays.ReadAsync(store, filter, ct).ConfigureAwait(false))
        {
            if (days.Count > 0 && days[0].Series != day.Series)
            {
                series.Add(SeriesCompleteness.Of(days, keepDays: series.Count < HtmlReport.HeatMapRows));
                days.Clear();
            }

            days.Add(day);
        }

        if (days.Count > 0)
        {
            series.Add(SeriesCompleteness.Of(days, keepDays: series.Count < HtmlReport.HeatMapRows));
        }

        return new ReportData(
            storeName,
            store.UtilityTimeZone.Id,
            DateTime.UtcNow,
            files,
            [.. rejects.OrderByDescending(r => r.Value).ThenBy(r => r.Key.Entity, StringComparer.Ordinal).ThenBy(r => r.Key.Rule, StringComparer.Ordinal)
                .Select(r => new RejectCount(r.Key.Entity, r.Key.Rule, r.Value))],
            await CompletenessDays.RangeAsync(store, filter, ct).ConfigureAwait(false),
            series);
    }
}
