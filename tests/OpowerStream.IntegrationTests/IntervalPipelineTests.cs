using System.Globalization;
using System.Text;
using Npgsql;
using OpowerStream.Domain;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>Interval reads end to end: local interval ends to exact UTC instants, composite-key dedup, every rule.</summary>
[Collection(PipelineCollection.Name)]
public sealed class IntervalPipelineTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Header = "service_point_id\tdate\ttime\tusage_value\tunits\tis_estimate\tUTC_offset\tservice_type\tservice_quantity_identifier";

    // New York's 2026 transitions, as UTC instants: clocks go back at 06:00Z on Nov 1 and forward at 07:00Z on Mar 8.
    private static readonly DateTime FallBack = new(2026, 11, 1, 6, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime SpringForward = new(2026, 3, 8, 7, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(15)]
    [InlineData(60)]
    public async Task A_fall_back_day_keeps_both_repeated_hours_apart_by_UTC_offset(int minutes)
    {
        await using var scenario = await NewYorkScenario($"fallback{minutes}", StoreKind.Sqlite);
        // The local day 2026-11-01 has 25 hours; its first interval ends `minutes` after 04:00Z (local midnight, EDT).
        var ends = IntervalEnds(new DateTime(2026, 11, 1, 4, 0, 0, DateTimeKind.Utc), 25 * 60 / minutes, minutes, FallBack, -4, -5);
        Assert.Equal(2, ends.Count(e => e.Time == "0100"));
        scenario.Drop(IntervalFileName(minutes, 20261102000000), Intervals(ends.Select(e => Row("SP-1", e.Date, e.Time, "1.5", offset: e.Offset))));

        Assert.True((await scenario.RunOnceAsync(Entity.Interval)).Succeeded);

        Assert.Equal(ends.Select(e => e.Utc).ToArray(), EndsOf(await scenario.IntervalsAsync()));
    }

    [Theory]
    [InlineData(15)]
    [InlineData(60)]
    public async Task A_spring_forward_day_has_no_gap_in_UTC(int minutes)
    {
        await using var scenario = await NewYorkScenario($"spring{minutes}", StoreKind.Sqlite);
        // The local day 2026-03-08 has 23 hours; local 02:xx does not exist.
        var ends = IntervalEnds(new DateTime(2026, 3, 8, 5, 0, 0, DateTimeKind.Utc), 23 * 60 / minutes, minutes, SpringForward, -5, -4);
        Assert.DoesNotContain(ends, e => e.Time.StartsWith("02", StringComparison.Ordinal));
        scenario.Drop(IntervalFileName(minutes, 20260309000000), Intervals(ends.Select(e => Row("SP-1", e.Date, e.Time, "2", offset: e.Offset))));

        Assert.True((await scenario.RunOnceAsync(Entity.Interval)).Succeeded);

        Assert.Equal(ends.Select(e => e.Utc).ToArray(), EndsOf(await scenario.IntervalsAsync()));
    }

    [Fact]
    public async Task Without_UTC_offset_the_repeated_hour_is_ambiguous_and_the_skipped_hour_nonexistent()
    {
        await using var scenario = await NewYorkScenario("no-offset", StoreKind.Sqlite);
        var fallBackDay = IntervalEnds(new DateTime(2026, 11, 1, 4, 0, 0, DateTimeKind.Utc), 25, 60, FallBack, -4, -5);
        var fallBackName = IntervalFileName(60, 20261102000000);
        scenario.Drop(fallBackName, Intervals(fallBackDay.Select(e => Row("SP-1", e.Date, e.Time, "1"))));
        var springName = IntervalFileName(15, 20260309000000);
        scenario.Drop(springName, Intervals(
            Row("SP-2", "20260308", "0145", "1"),
            Row("SP-2", "20260308", "0200", "1"),
            Row("SP-2", "20260308", "0215", "1"),
            Row("SP-2", "20260308", "0300", "1")));

        Assert.True((await scenario.RunOnceAsync(Entity.Interval)).Succeeded);

        Assert.Equal(
            [
                $"intervals,{springName},3,nonexistent_local_time,time",
                $"intervals,{springName},4,nonexistent_local_time,time",
                $"intervals,{fallBackName},2,ambiguous_local_time,time",
                $"intervals,{fallBackName},3,ambiguous_local_time,time",
            ],
            Lines(await scenario.RejectsAsync(), 5));
        var stored = Lines(await scenario.IntervalsAsync(), 5);
        Assert.Equal(fallBackDay.Skip(2).Select(e => $"SP-1,CONSUMED,KWH,60,{e.Utc}"), stored.Where(l => l.StartsWith("SP-1", StringComparison.Ordinal)));
        Assert.Equal(["SP-2,CONSUMED,KWH,15,2026-03-08T06:45:00Z", "SP-2,CONSUMED,KWH,15,2026-03-08T07:00:00Z"], stored.Where(l => l.StartsWith("SP-2", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Duplicates_in_a_file_across_files_a_re_sent_older_file_and_replays_end_in_the_same_state(StoreKind store)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, "interval-dedup");
        scenario.Drop(IntervalFileName(15, 20260101000000), Intervals(
            Row("SP-1", "20251231", "0015", "1"),
            Row("SP-1", "20251231", "0015", "2"),                       // same key, later line: wins
            Row("SP-1", "20251231", "0030", "5"),
            Row("SP-1", "20251231", "0030", "7", units: "kw"),          // another unit: another key (stored upper-case)
            Row("SP-1", "20251231", "0030", "8", identifier: "GEN")));  // another identifier: another key
        scenario.Drop(IntervalFileName(15, 20260102000000), Intervals(
            Row("SP-1", "20251231", "0030", "6")));                     // later file: wins
        Assert.True((await scenario.RunOnceAsync(Entity.Interval)).Succeeded);
        string[] expected =
        [
            "SP-1,CONSUMED,KW,15,2025-12-31T00:30:00Z,7.000000,A,ELECTRIC",
            "SP-1,CONSUMED,KWH,15,2025-12-31T00:15:00Z,2.000000,A,ELECTRIC",
            "SP-1,CONSUMED,KWH,15,2025-12-31T00:30:00Z,6.000000,A,ELECTRIC",
            "SP-1,GENERATED,KWH,15,2025-12-31T00:30:00Z,8.000000,A,ELECTRIC",
        ];
        Assert.Equal(expected, Lines(await scenario.IntervalsAsync()));

        scenario.Drop(IntervalFileName(15, 20251230000000), Intervals(
            Row("SP-1", "20251231", "0015", "99"),
            Row("SP-1", "20251231", "0030", "99")));                    // an older file re-sent late: never wins
        Assert.True((await scenario.RunOnceAsync(Entity.Interval)).Succeeded);
        Assert.Equal(expected, Lines(await scenario.IntervalsAsync()));

        await scenario.ReplayAllAsync();
        Assert.Equal(expected, Lines(await scenario.IntervalsAsync()));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Every_interval_rule_rejects_its_row_and_the_rest_of_the_file_applies(StoreKind store)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, "interval-rules");
        var file = new LinesFile(Header);
        file.Line(Row("SP-GOOD", "20260105", "0015", "1.25"));                                   // 2 applied
        file.Line(Row("", "20260105", "0015", "1"));                                             // 3 missing_required service_point_id
        file.Line(Row(new string('S', 41), "20260105", "0015", "1"));                            // 4 too_long service_point_id
        file.Line(Row("SP-5", "20260105", "0015", "1.2345678"));                                 // 5 invalid_decimal usage_value
        file.Line(Row("SP-6", "20260105", "0015", "1e3"));                                       // 6 invalid_decimal usage_value
        file.Line(Row("SP-7", "20260105", "0015", ""));                                          // 7 missing_required usage_value
        file.Line(Row("SP-8", "20261341", "0015", "1"));                                         // 8 invalid_datetime date
        file.Line(Row("SP-9", "20260105", "2460", "1"));                                         // 9 invalid_datetime time
        file.Line(Row("SP-10", "20260105", "0107", "1"));                                        // 10 misaligned_interval time
        file.Line(Row("SP-11", "20260105", "0015", "1", units: "FURLONG"));                      // 11 invalid_enum units
        file.Line(Row("SP-12", "20260105", "0015", "1", estimate: "X"));                         // 12 invalid_enum is_estimate
        file.Line(Row("SP-13", "20260105", "0015", "1", serviceType: "STEAM"));                  // 13 invalid_enum service_type
        file.Line(Row("SP-14", "20260105", "0015", "1", identifier: "BOGUS"));                   // 14 invalid_enum service_quantity_identifier
        file.Line(Row("SP-15", "20260105", "0015", "-1"));                                       // 15 negative_usage usage_value
        file.Line(Row("SP-NET", "20260105", "0015", "-1", identifier: "NET_USAGE"));             // 16 applied: net usage may be negative
        file.Line("SP-17\t20260105\t0015\t1");                                                   // 17 wrong_column_count
        file.Bytes([.. Encoding.UTF8.GetBytes("SP-18\t20260105\t0015\t1\tKWH\tA\t+0000\tELEC"), 0xC3, 0x28, .. "\tCONSUMED\n"u8]); // 18 invalid_encoding
        file.Line(Row("SP-19", "20260105", "0015", "1", offset: "+2x"));                         // 19 invalid_datetime UTC_offset
        file.Line(Row("SP-GEN", "20260105", "2400", "3", estimate: "", identifier: "GEN"));      // 20 applied: GEN, empty estimate, 2400
        var name = IntervalFileName(15, 20260106000000);
        scenario.DropBytes(name, file.ToArray());

        var result = await scenario.RunOnceAsync(Entity.Interval);

        var reconciliation = Assert.Single(result.Files);
        Assert.Equal((19L, 3L, 16L), (reconciliation.RowsRead, reconciliation.RowsApplied, reconciliation.RowsRejected));
        Assert.Equal(
            [
                "SP-GEN,GENERATED,KWH,15,2026-01-06T00:00:00Z,3.000000,E,ELECTRIC",
                "SP-GOOD,CONSUMED,KWH,15,2026-01-05T00:15:00Z,1.250000,A,ELECTRIC",
                "SP-NET,NET_USAGE,KWH,15,2026-01-05T00:15:00Z,-1.000000,A,ELECTRIC",
            ],
            Lines(await scenario.IntervalsAsync()));
        Assert.Equal(
            [
                $"intervals,{name},3,missing_required,service_point_id",
                $"intervals,{name},4,too_long,service_point_id",
                $"intervals,{name},5,invalid_decimal,usage_value",
                $"intervals,{name},6,invalid_decimal,usage_value",
                $"intervals,{name},7,missing_required,usage_value",
                $"intervals,{name},8,invalid_datetime,date",
                $"intervals,{name},9,invalid_datetime,time",
                $"intervals,{name},10,misaligned_interval,time",
                $"intervals,{name},11,invalid_enum,units",
                $"intervals,{name},12,invalid_enum,is_estimate",
                $"intervals,{name},13,invalid_enum,service_type",
                $"intervals,{name},14,invalid_enum,service_quantity_identifier",
                $"intervals,{name},15,negative_usage,usage_value",
                $"intervals,{name},17,wrong_column_count,",
                $"intervals,{name},18,invalid_encoding,service_type",
                $"intervals,{name},19,invalid_datetime,UTC_offset",
            ],
            Lines(await scenario.RejectsAsync(), 5));
    }

    [Fact]
    public async Task The_extractor_waits_for_lagging_consumers_and_every_row_still_applies()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Postgres, output, "backpressure");
        scenario.Settings["Extractor:MaxConsumerLag"] = "300";
        // Small batches: a consumer whose apply cannot finish stops reading after two of them, so what follows stays unread.
        scenario.Settings["Consumers:MaxBatchSize"] = "100";
        // 7,680 reads of one meter (one partition): more than the extractor's 5,000-row gate interval.
        var days = Enumerable.Range(0, 80).Select(d => new DateOnly(2026, 1, 1).AddDays(d).ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        var rows = days.SelectMany(day => Enumerable.Range(1, 96).Select(q => Row("SP-1", day, $"{q * 15 / 60:D2}{q * 15 % 60:D2}", "1"))).ToList();
        scenario.Drop(IntervalFileName(15, 20260210000000), Intervals(rows));
        var log = new RecordingLoggerProvider();

        // The interval table stays locked until the extractor is seen waiting: the consumers' applies block however
        // fast the machine is, while the extractor (whose ledger is another table) publishes on.
        await scenario.WithStoreAsync(_ => Task.FromResult(0));
        await using var blocker = new NpgsqlConnection(StoreLocation.Parse(scenario.StoreLocation).Target);
        await blocker.OpenAsync();
        var locked = await blocker.BeginTransactionAsync();
        await using (var lockIntervals = new NpgsqlCommand("LOCK TABLE intervals IN EXCLUSIVE MODE", blocker, locked))
        {
            await lockIntervals.ExecuteNonQueryAsync();
        }

        var run = scenario.RunOnceAsync(consumers: null, log);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!log.Messages.Any(m => m.StartsWith("Extractor waits for the consumers", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline && !run.IsCompleted, "The extractor never waited for the consumers whose applies were blocked.");
            await Task.Delay(50);
        }

        await locked.RollbackAsync();
        var result = await run;

        Assert.True(result.Succeeded);
        Assert.Equal(rows.Count, Lines(await scenario.IntervalsAsync()).Length);
    }

    private sealed record IntervalEnd(string Utc, string Date, string Time, string Offset);

    /// <summary>
    /// Consecutive interval ends in UTC and how a meter in a zone with the given offsets (hours,
    /// before and after the transition) writes them locally: the expected values come from plain
    /// arithmetic, independent of the time-zone code under test.
    /// </summary>
    private static List<IntervalEnd> IntervalEnds(DateTime dayStartUtc, int count, int minutes, DateTime transitionUtc, int hoursBefore, int hoursAfter)
    {
        var ends = new List<IntervalEnd>(count);
        for (var i = 1; i <= count; i++)
        {
            var utc = dayStartUtc.AddMinutes(i * minutes);
            var offset = utc < transitionUtc ? hoursBefore : hoursAfter;
            var local = utc.AddHours(offset);
            ends.Add(new IntervalEnd(
                utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                local.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
                local.ToString("HHmm", CultureInfo.InvariantCulture),
                $"{(offset < 0 ? '-' : '+')}{Math.Abs(offset):D2}00"));
        }

        return ends;
    }

    private static string Row(string servicePoint, string date, string time, string usage, string units = "KWH",
        string estimate = "A", string offset = "", string serviceType = "ELECTRIC", string identifier = "CONSUMED") =>
        string.Join('\t', servicePoint, date, time, usage, units, estimate, offset, serviceType, identifier);

    private static string Intervals(params IEnumerable<string> rows) => Header + "\n" + string.Join("\n", rows) + "\n";

    private static string[] EndsOf(string intervalsCsv) => Lines(intervalsCsv).Select(l => l.Split(',')[4]).ToArray();

    private async Task<PipelineScenario> NewYorkScenario(string name, StoreKind store)
    {
        var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, name);
        scenario.Settings["Utility:TimeZone"] = "America/New_York";
        return scenario;
    }
}
