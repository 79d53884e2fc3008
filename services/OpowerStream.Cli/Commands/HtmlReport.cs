using System.Globalization;
using System.Net;
using System.Text;
using OpowerStream.Domain.Completeness;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// One series over the report's days: its totals, the last day it sent anything, and its day cells when it is
/// one of the heat map's rows (empty otherwise, so a large store's report stays in bounded memory).
/// </summary>
public sealed record SeriesCompleteness(
    IntervalSeries Series, long Expected, long Received, long Estimated, DateOnly? LastDayWithData, IReadOnlyList<DayCompleteness> Days)
{
    public long Missing => Expected - Received;

    public double ReceivedShare => Expected == 0 ? 1 : (double)Received / Expected;

    /// <summary>The totals of <paramref name="days"/> (one series, sorted), keeping the cells only when <paramref name="keepDays"/>.</summary>
    public static SeriesCompleteness Of(IReadOnlyList<DayCompleteness> days, bool keepDays)
    {
        ArgumentNullException.ThrowIfNull(days);
        var withData = days.LastOrDefault(day => day.Received > 0);
        return new SeriesCompleteness(
            days[0].Series, days.Sum(day => (long)day.Expected), days.Sum(day => day.Received), days.Sum(day => day.Estimated),
            withData.Received > 0 ? withData.Day : null, keepDays ? [.. days] : []);
    }
}

/// <summary>Rejected rows of one entity under one rule.</summary>
public sealed record RejectCount(string Entity, string Rule, long Rows);

/// <summary>Everything the report shows; <see cref="Range"/> is null when the store holds no interval.</summary>
public sealed record ReportData(
    string Store,
    string TimeZone,
    DateTime GeneratedUtc,
    IReadOnlyList<FileReconciliation> Files,
    IReadOnlyList<RejectCount> Rejects,
    DayRange? Range,
    IReadOnlyList<SeriesCompleteness> Series);

/// <summary>
/// The operator's report as one self-contained HTML page: inline CSS, SVG and a little script, nothing fetched,
/// so it can be mailed or opened offline. Per-file reconciliation, rejects by rule as bars, a completeness heat
/// map (days across, series down, colour by the share received, a blue bar for the share estimated) and the
/// least complete meters.
/// </summary>
public static class HtmlReport
{
    /// <summary>The heat map's rows at most: beyond that a page stops being readable (the CSV export has them all).</summary>
    public const int HeatMapRows = 400;

    /// <summary>How many of the least complete meters the report lists.</summary>
    public const int LeastComplete = 20;

    private const int LabelWidth = 260;
    private const int CellHeight = 18;
    private const int AxisHeight = 22;

    private const string Style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2430; background: #fff; }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
        .meta { color: #5b6474; margin: 0 0 12px; }
        table { border-collapse: collapse; } th, td { padding: 3px 10px; border-bottom: 1px solid #e3e6eb; text-align: left; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        .no { color: #b3261e; font-weight: 600; } .yes { color: #1e7b34; }
        svg text { font: 11px system-ui, sans-serif; fill: #1d2430; }
        .legend { display: flex; gap: 16px; align-items: center; color: #5b6474; margin: 6px 0; }
        .swatch { display: inline-block; width: 12px; height: 12px; vertical-align: middle; margin-right: 4px; }
        .empty { color: #5b6474; font-style: italic; }
        """;

    // Hides the heat map's complete rows on demand (also when opened as report.html#only-incomplete); marks the
    // page rendered (the browser test waits for it).
    private const string Script = """
        (function () {
          var toggle = document.getElementById('only-incomplete');
          var map = document.getElementById('heatmap');
          var rows = document.querySelectorAll('#heatmap g.series');
          var rowHeight = map ? Number(map.getAttribute('data-row-height')) : 0;
          var axisHeight = map ? Number(map.getAttribute('data-axis-height')) : 0;
          function apply() {
            var shown = 0;
            rows.forEach(function (row) {
              var hide = toggle.checked && row.getAttribute('data-missing') === '0';
              row.style.display = hide ? 'none' : '';
              if (!hide) { row.setAttribute('transform', 'translate(0,' + (shown * rowHeight + axisHeight) + ')'); shown++; }
            });
            map.setAttribute('height', shown * rowHeight + axisHeight + 4);
            document.getElementById('shown').textContent = shown + ' of ' + rows.length;
          }
          if (toggle) {
            toggle.checked = toggle.checked || location.hash === '#only-incomplete';
            toggle.addEventListener('change', apply);
            apply();
          }
          document.documentElement.setAttribute('data-report', 'ready');
        })();
        """;

    public static string Render(ReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>OpowerStream report</title><style>")
            .Append(Style).Append("</style></head><body>\n");
        html.Append("<h1>OpowerStream report</h1>\n<p class=\"meta\">")
            .Append(Encode(data.Store)).Append(" · local days in ").Append(Encode(data.TimeZone))
            .Append(data.Range is { } range ? Invariant($" · {range.First:yyyy-MM-dd} to {range.Last:yyyy-MM-dd}") : "")
            .Append(Invariant($" · generated {data.GeneratedUtc:yyyy-MM-dd HH:mm} UTC</p>\n"));

        AppendFiles(html, data.Files);
        AppendRejects(html, data.Rejects);
        AppendHeatMap(html, data.Range, data.Series);
        AppendLeastComplete(html, data.Series);

        html.Append("<script>").Append(Script).Append("</script>\n</body></html>\n");
        return html.ToString();
    }

    private static void AppendFiles(StringBuilder html, IReadOnlyList<FileReconciliation> files)
    {
        html.Append(Invariant($"<h2>Files ({files.Count}, {files.Count(f => !f.Reconciles)} not reconciling)</h2>\n"));
        if (!AppendTableStart(html, files.Count, "No file in the ledger.", "files", "file", "entity", "status", "#read", "#applied", "#rejected", "reconciles"))
        {
            return;
        }

        foreach (var file in files)
        {
            var status = file.Status == FileStatus.Refused ? $"refused: {file.RefusalReason}" : file.Status.ToString().ToLowerInvariant();
            html.Append("<tr><td>").Append(Encode(file.FileName)).Append("</td><td>").Append(Encode(file.Entity ?? "-"))
                .Append("</td><td>").Append(Encode(status))
                .Append(Invariant($"</td><td class=\"n\">{file.RowsRead}</td><td class=\"n\">{file.RowsApplied}</td><td class=\"n\">{file.RowsRejected}</td>"))
                .Append(file.Reconciles ? "<td class=\"yes\">yes</td>" : "<td class=\"no\">NO</td>").Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void AppendRejects(StringBuilder html, IReadOnlyList<RejectCount> rejects)
    {
        html.Append(Invariant($"<h2>Rejects by rule (rows rejected: {rejects.Sum(r => r.Rows)})</h2>\n"));
        if (rejects.Count == 0)
        {
            html.Append("<p class=\"empty\">No rejected row.</p>\n");
            return;
        }

        const int barHeight = 20;
        const int label = 300;
        const int barWidth = 480;
        var most = rejects.Max(r => r.Rows);
        html.Append(Invariant($"<svg id=\"rejects\" width=\"{label + barWidth + 80}\" height=\"{(rejects.Count * barHeight) + 4}\" role=\"img\" aria-label=\"rejects by rule\">\n"));
        for (var index = 0; index < rejects.Count; index++)
        {
            var reject = rejects[index];
            var y = index * barHeight;
            var width = Math.Max(1, (int)Math.Round((double)reject.Rows / most * barWidth));
            html.Append(Invariant($"<g class=\"bar\"><text x=\"{label - 8}\" y=\"{y + 14}\" text-anchor=\"end\">"))
                .Append(Encode($"{reject.Entity} · {reject.Rule}"))
                .Append(Invariant($"</text><rect x=\"{label}\" y=\"{y + 3}\" width=\"{width}\" height=\"{barHeight - 6}\" fill=\"#c8553d\"></rect>"))
                .Append(Invariant($"<text x=\"{label + width + 6}\" y=\"{y + 14}\">{reject.Rows}</text></g>\n"));
        }

        html.Append("</svg>\n");
    }

    private static void AppendHeatMap(StringBuilder html, DayRange? range, IReadOnlyList<SeriesCompleteness> series)
    {
        html.Append("<h2>Interval completeness</h2>\n");
        if (range is not { } days || series.Count == 0)
        {
            html.Append("<p class=\"empty\">No interval in the range.</p>\n");
            return;
        }

        var shown = series.Where(line => line.Days.Count > 0).ToList();
        var cellWidth = Math.Clamp(900 / days.Days, 3, 28);
        html.Append("<div class=\"legend\"><span><span class=\"swatch\" style=\"background:").Append(ShareColour(0))
            .Append("\"></span>nothing received</span><span><span class=\"swatch\" style=\"background:").Append(ShareColour(0.5))
            .Append("\"></span>half</span><span><span class=\"swatch\" style=\"background:").Append(ShareColour(1))
            .Append("\"></span>complete</span><span><span class=\"swatch\" style=\"background:#1f3b99\"></span>bar height: share estimated</span>")
            .Append("<label><input type=\"checkbox\" id=\"only-incomplete\"> only meters with missing intervals</label>")
            .Append(Invariant($"<span>showing <span id=\"shown\">{shown.Count} of {shown.Count}</span>"))
            .Append(series.Count > shown.Count ? Invariant($" (first {shown.Count} of {series.Count} series; the CSV export has all)") : "")
            .Append("</span></div>\n");

        html.Append(Invariant($"<svg id=\"heatmap\" width=\"{LabelWidth + (days.Days * cellWidth) + 10}\" height=\"{(shown.Count * CellHeight) + AxisHeight + 4}\" data-row-height=\"{CellHeight}\" data-axis-height=\"{AxisHeight}\" role=\"img\" aria-label=\"completeness heat map\">\n"));
        var labelEvery = Math.Max(1, (int)Math.Ceiling(60.0 / cellWidth));
        for (var index = 0; index < days.Days; index += labelEvery)
        {
            html.Append(Invariant($"<text x=\"{LabelWidth + (index * cellWidth)}\" y=\"14\">{days.First.AddDays(index):MM-dd}</text>"));
        }

        html.Append('\n');
        for (var row = 0; row < shown.Count; row++)
        {
            var line = shown[row];
            html.Append(Invariant($"<g class=\"series\" data-missing=\"{line.Missing}\" transform=\"translate(0,{(row * CellHeight) + AxisHeight})\"><text x=\"0\" y=\"13\">"))
                .Append(Encode($"{line.Series.ServicePointId} {line.Series.Kind}")).Append("</text>");
            foreach (var day in line.Days)
            {
                var x = LabelWidth + ((day.Day.DayNumber - days.First.DayNumber) * cellWidth);
                // At least two pixels, so a day with a few estimates still shows some.
                var estimatedHeight = day.Estimated <= 0 || day.Expected == 0
                    ? 0
                    : Math.Max(2, (int)Math.Ceiling((double)day.Estimated / day.Expected * (CellHeight - 2)));
                html.Append(Invariant($"<rect x=\"{x}\" y=\"0\" width=\"{cellWidth - 1}\" height=\"{CellHeight - 1}\" fill=\"{ShareColour(day.ReceivedShare)}\">"))
                    .Append(Invariant($"<title>{line.Series.ServicePointId} {day.Day:yyyy-MM-dd}: {day.Received} of {day.Expected} received, {day.Estimated} estimated, {day.Missing} missing</title></rect>"));
                if (estimatedHeight > 0)
                {
                    html.Append(Invariant($"<rect x=\"{x}\" y=\"{CellHeight - 1 - estimatedHeight}\" width=\"{cellWidth - 1}\" height=\"{estimatedHeight}\" fill=\"#1f3b99\" opacity=\"0.75\"></rect>"));
                }
            }

            html.Append("</g>\n");
        }

        html.Append("</svg>\n");
    }

    private static void AppendLeastComplete(StringBuilder html, IReadOnlyList<SeriesCompleteness> series)
    {
        var least = series.Where(s => s.Missing > 0)
            .OrderBy(s => s.ReceivedShare).ThenByDescending(s => s.Missing)
            .Take(LeastComplete).ToList();
        html.Append(Invariant($"<h2>Least complete meters ({least.Count} of {series.Count(s => s.Missing > 0)} with missing intervals)</h2>\n"));
        if (!AppendTableStart(html, least.Count, "Every meter is complete on every day of the range.", "least-complete",
            "service point", "kind", "#expected", "#received", "#missing", "#estimated", "#received %", "last day with data"))
        {
            return;
        }

        foreach (var meter in least)
        {
            html.Append("<tr><td>").Append(Encode(meter.Series.ServicePointId)).Append("</td><td>").Append(Encode(meter.Series.Kind))
                .Append(Invariant($"</td><td class=\"n\">{meter.Expected}</td><td class=\"n\">{meter.Received}</td><td class=\"n\">{meter.Missing}</td>"))
                .Append(Invariant($"<td class=\"n\">{meter.Estimated}</td><td class=\"n\">{meter.ReceivedShare * 100:0.0}</td><td>"))
                .Append(meter.LastDayWithData is { } lastDay ? CsvExports.LocalDate(lastDay) : "-").Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    /// <summary>
    /// A table's opening and header row (a column named with a leading <c>#</c> is numeric, right-aligned), or the
    /// <paramref name="empty"/> sentence instead when it would have no row; whether the table was started.
    /// </summary>
    private static bool AppendTableStart(StringBuilder html, int rows, string empty, string id, params string[] columns)
    {
        if (rows == 0)
        {
            html.Append("<p class=\"empty\">").Append(Encode(empty)).Append("</p>\n");
            return false;
        }

        html.Append("<table id=\"").Append(id).Append("\"><tr>");
        foreach (var column in columns)
        {
            html.Append(column.StartsWith('#') ? $"<th class=\"n\">{Encode(column[1..])}</th>" : $"<th>{Encode(column)}</th>");
        }

        html.Append("</tr>\n");
        return true;
    }

    /// <summary>
    /// Red for nothing received through amber to yellow-green for almost all; complete is a darker green of its
    /// own, so a day short of a few intervals never looks complete.
    /// </summary>
    private static string ShareColour(double share) =>
        share >= 1 ? "hsl(135,55%,32%)" : Invariant($"hsl({Math.Round(Math.Clamp(share, 0, 1) * 80)},80%,52%)");

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
