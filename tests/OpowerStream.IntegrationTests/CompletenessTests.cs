using System.Buffers.Binary;
using System.Globalization;
using OpowerStream.Cli.Commands;
using OpowerStream.Domain;
using OpowerStream.Domain.Completeness;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// Interval completeness through the real pipeline in America/New_York, around the 2026 fall-back day: one
/// meter complete (its estimates of Oct 31 partly corrected to actuals by a later file that also re-sends a day),
/// one with a gap and a rejected row that stops sending after Oct 31. Checked through <c>export completeness</c>,
/// <c>status</c> and the HTML <c>report</c> in headless Chromium.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class CompletenessTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Header = "service_point_id\tdate\ttime\tusage_value\tunits\tis_estimate\tUTC_offset\tservice_type\tservice_quantity_identifier";
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly DateOnly Oct30 = new(2026, 10, 30);
    private static readonly DateOnly Oct31 = new(2026, 10, 31);
    private static readonly DateOnly FallBack = new(2026, 11, 1);
    private static readonly DateOnly Nov2 = new(2026, 11, 2);

    // Sorted by series then day; the header's columns.
    private static readonly string[] ExpectedCsv =
    [
        "SP-1,CONSUMED,KWH,15,2026-10-30,96,96,0,0",
        "SP-1,CONSUMED,KWH,15,2026-10-31,96,96,56,0",
        "SP-1,CONSUMED,KWH,15,2026-11-01,100,100,0,0",
        "SP-1,CONSUMED,KWH,15,2026-11-02,96,96,0,0",
        "SP-2,CONSUMED,KWH,15,2026-10-30,96,85,0,11",
        "SP-2,CONSUMED,KWH,15,2026-10-31,96,96,0,0",
        "SP-2,CONSUMED,KWH,15,2026-11-01,100,0,0,100",
        "SP-2,CONSUMED,KWH,15,2026-11-02,96,0,0,96",
    ];

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Export_status_and_report_show_each_meters_days_with_DST_gaps_a_stop_resends_rejects_and_corrections(StoreKind kind)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, kind, output, $"completeness{kind}");
        scenario.Settings["Utility:TimeZone"] = NewYork.Id;
        DropFiles(scenario);

        var run = await scenario.RunOnceAsync(Entity.Interval);

        Assert.True(run.Succeeded);
        Assert.Equal([0L, 1L], run.Files.Select(file => file.RowsRejected));
        var export = await CliAsync(scenario, "export", "completeness", "--store", scenario.StoreLocation);
        Assert.Equal(0, export.ExitCode);
        Assert.Equal("service_point_id,service_quantity_identifier,units,interval_minutes,local_date,expected,received,estimated,missing", export.Stdout.Split('\n')[0]);
        Assert.Equal(ExpectedCsv, Lines(export.Stdout));

        var incomplete = await CliAsync(scenario, "export", "completeness", "--store", scenario.StoreLocation, "--from", "2026-10-31", "--only-incomplete");
        Assert.Equal(ExpectedCsv[6..], Lines(incomplete.Stdout));
        var range = await CliAsync(scenario, "export", "completeness", "--store", scenario.StoreLocation, "--from", "2026-11-02", "--to", "2026-11-04");
        Assert.Equal(
            ["SP-1,CONSUMED,KWH,15,2026-11-02,96,96,0,0", "SP-1,CONSUMED,KWH,15,2026-11-03,96,0,0,96", "SP-1,CONSUMED,KWH,15,2026-11-04,96,0,0,96"],
            Lines(range.Stdout));

        await using (var store = await PipelineStores.OpenAsync(StoreLocation.Parse(scenario.StoreLocation), NewYork, CancellationToken.None))
        {
            // On Nov 3 the last full day is Nov 2: SP-1 complete, SP-2 silent.
            var summary = await CompletenessDays.SummarizeLastFullDayAsync(store, new DateTime(2026, 11, 3, 12, 0, 0, DateTimeKind.Utc), CancellationToken.None);
            Assert.Equal((Nov2, NewYork.Id), (summary.Day, summary.TimeZone));
            Assert.Equal([new KindCompleteness("CONSUMED KWH 15 min", 1, 2, 96, 0)], summary.Kinds);
        }

        var status = await CliAsync(scenario, "status", "--store", scenario.StoreLocation);
        var yesterday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, NewYork)).AddDays(-1);
        Assert.Contains($"Interval completeness on {yesterday:yyyy-MM-dd} (the last full day in America/New_York)", status.Stdout, StringComparison.Ordinal);
        // Nobody sent anything for the real yesterday: both meters owe the whole day.
        Assert.Contains(
            ["CONSUMED", "KWH", "15", "min", "0", "2", $"{2 * LocalDays.ExpectedIntervals(yesterday, 15, NewYork)}", "0"],
            status.Stdout.Split('\n').Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

        await CheckReportAsync(scenario);
    }

    private async Task CheckReportAsync(PipelineScenario scenario)
    {
        var folder = Directory.CreateTempSubdirectory("opowerstream-report-").FullName;
        try
        {
            var page = Path.Combine(folder, "report.html");
            var report = await CliAsync(scenario, "report", "--store", scenario.StoreLocation, "--out", page);
            Assert.Equal(0, report.ExitCode);
            var html = await File.ReadAllTextAsync(page);
            Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
            Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
            Assert.DoesNotContain(" src=", html, StringComparison.Ordinal);

            var screenshot = Path.Combine(folder, "report.png");
            var browser = await HeadlessChromium.RenderAsync(page, screenshot, output);

            // The page's own script ran, and nothing reached the console (no error, no warning, no log).
            Assert.Contains("data-report=\"ready\"", browser.Dom, StringComparison.Ordinal);
            Assert.Empty(browser.ConsoleLines);
            Assert.Contains(IntervalFileName(15, 20261103060000), browser.Dom, StringComparison.Ordinal);
            Assert.Contains("intervals · invalid_decimal", browser.Dom, StringComparison.Ordinal);
            Assert.Equal(2, Count(browser.Dom, "<g class=\"series\""));
            Assert.Contains("data-missing=\"207\"", browser.Dom, StringComparison.Ordinal);
            Assert.Contains("SP-2 2026-11-01: 0 of 100 received, 0 estimated, 100 missing", browser.Dom, StringComparison.Ordinal);
            Assert.Contains("SP-1 2026-10-31: 96 of 96 received, 56 estimated, 0 missing", browser.Dom, StringComparison.Ordinal);
            var leastComplete = browser.Dom[browser.Dom.IndexOf("id=\"least-complete\"", StringComparison.Ordinal)..];
            Assert.Contains("<td>SP-2</td><td>CONSUMED KWH 15 min</td><td class=\"n\">388</td><td class=\"n\">181</td><td class=\"n\">207</td>", leastComplete, StringComparison.Ordinal);
            Assert.Contains("<td>2026-10-31</td>", leastComplete, StringComparison.Ordinal);

            // Opened to show only the meters with missing intervals, the script hides SP-1's row.
            var onlyIncomplete = await HeadlessChromium.RenderAsync(page, Path.Combine(folder, "incomplete.png"), output, "only-incomplete");
            Assert.Empty(onlyIncomplete.ConsoleLines);
            Assert.Contains("<span id=\"shown\">1 of 2</span>", onlyIncomplete.Dom, StringComparison.Ordinal);
            Assert.Contains("<g class=\"series\" data-missing=\"0\" transform=\"translate(0,22)\" style=\"display: none;\">", onlyIncomplete.Dom, StringComparison.Ordinal);
            Assert.Contains("<span id=\"shown\">2 of 2</span>", browser.Dom, StringComparison.Ordinal);

            var png = await File.ReadAllBytesAsync(screenshot);
            Assert.True(png.Length > 10_000, $"the screenshot is only {png.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            Assert.Equal((1400, 1000), (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
            output.WriteLine($"report screenshot: {png.Length} bytes");
            CopyForInspection(page, screenshot);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// File 1: SP-1 complete on four days, Oct 31 all estimates; SP-2 with a 10-interval gap and a rejected row on
    /// Oct 30, complete on Oct 31, then silent. File 2 (later): 40 of SP-1's Oct 31 estimates as actuals, and SP-1's
    /// fall-back day again, twice.
    /// </summary>
    private static void DropFiles(PipelineScenario scenario)
    {
        var sp2Oct30 = Day("SP-2", Oct30, "A");
        List<string> rows =
        [
            .. Day("SP-1", Oct30, "A"), .. Day("SP-1", Oct31, "E"), .. Day("SP-1", FallBack, "A"), .. Day("SP-1", Nov2, "A"),
            .. sp2Oct30.Take(30), .. sp2Oct30.Skip(40).Take(20), .. sp2Oct30.Skip(61), .. Day("SP-2", Oct31, "A"),
        ];
        scenario.Drop(IntervalFileName(15, 20261103060000), Intervals(rows));

        var bad = sp2Oct30[60].Split('\t');
        bad[3] = "1.5.5";
        scenario.Drop(IntervalFileName(15, 20261104060000), Intervals([
            .. Day("SP-1", Oct31, "A").Take(40), .. Day("SP-1", FallBack, "A"), .. Day("SP-1", FallBack, "A"), string.Join('\t', bad),
        ]));
    }

    /// <summary>Every interval of a New York day as rows with local date, time and UTC offset (the fall-back hour told apart).</summary>
    private static List<string> Day(string servicePoint, DateOnly day, string estimate)
    {
        var start = LocalDays.StartUtc(day, NewYork);
        return [.. Enumerable.Range(1, LocalDays.ExpectedIntervals(day, 15, NewYork)).Select(index =>
        {
            var end = start.AddMinutes(15 * index);
            var offset = NewYork.GetUtcOffset(end);
            var local = end + offset;
            return string.Join('\t', servicePoint, local.ToString("yyyyMMdd", CultureInfo.InvariantCulture), local.ToString("HHmm", CultureInfo.InvariantCulture),
                "0.25", "KWH", estimate, $"-{-offset.Hours:D2}00", "ELECTRIC", "CONSUMED");
        })];
    }

    private static string Intervals(IEnumerable<string> rows) => Header + "\n" + string.Join("\n", rows) + "\n";

    private Task<OpowerStreamProcess.Result> CliAsync(PipelineScenario scenario, params string[] arguments) =>
        OpowerStreamProcess.RunAsync(output, Path.GetTempPath(), arguments, ("Utility__TimeZone", NewYork.Id));

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    /// <summary>With <c>OPOWERSTREAM_REPORT_COPY</c> set to a folder, the rendered report and its screenshot are kept there to look at.</summary>
    private static void CopyForInspection(params string[] files)
    {
        if (Environment.GetEnvironmentVariable("OPOWERSTREAM_REPORT_COPY") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            foreach (var file in files)
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
            }
        }
    }
}
