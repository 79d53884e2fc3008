using System.Globalization;
using System.Text.RegularExpressions;
using OpowerStream.Domain;
using OpowerStream.Domain.Rates;
using OpowerStream.Samples.Entities;

namespace OpowerStream.Samples.Tests;

public sealed class SampleGeneratorTests : IDisposable
{
    private readonly GeneratedFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Same_options_give_byte_identical_files_and_another_seed_different_ones()
    {
        using var second = new GeneratedFolder();
        using var third = new GeneratedFolder();
        var options = folder.Options(servicePoints: 7, days: 40) with { ErrorRate = 0.05 };

        var first = SampleGenerator.Generate(options);
        SampleGenerator.Generate(options with { OutputDirectory = second.Path });
        SampleGenerator.Generate(options with { OutputDirectory = third.Path, Seed = 2 });

        Assert.All(first.Files.Select(file => file.Path).Append(first.ManifestPath), path =>
        {
            var name = Path.GetFileName(path);
            Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(Path.Combine(second.Path, name)));
        });
        var interval = Path.GetFileName(first.Files.First(file => file.Entity == Entity.Interval).Path);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(folder.Path, interval)), File.ReadAllBytes(Path.Combine(third.Path, interval)));
    }

    [Fact]
    public void A_thirteen_month_history_gives_one_file_per_entity_per_month_named_per_spec_in_apply_order()
    {
        var result = SampleGenerator.Generate(folder.Options(servicePoints: 2, days: 395, intervalMinutes: 60));

        var patterns = new Dictionary<Entity, Regex>
        {
            [Entity.Interval] = new(@"^opwr_gec_res_v2-0-5_interval60_(\d{14})\.gz$"),
            [Entity.ServiceQuantity] = new(@"^opwr_gec_v2-0-3_billing_servicequantity_(\d{14})\.gz$"),
            [Entity.Rate] = new(@"^opwr_gec_v2-0-9_billing_account_(\d{14})\.gz$"),
        };
        foreach (var (entity, pattern) in patterns)
        {
            var timestamps = result.Files.Where(file => file.Entity == entity)
                .Select(file => pattern.Match(Path.GetFileName(file.Path)).Groups[1].Value)
                .ToList();
            Assert.Equal(13, timestamps.Count);
            Assert.Equal("20251101060000", timestamps[0]);
            Assert.Equal("20261031060000", timestamps[^1]); // day 395 is 2026-10-30
            Assert.Equal(timestamps.Order(StringComparer.Ordinal), timestamps);
            Assert.Equal(13, timestamps.Distinct().Count());
        }
    }

    [Fact]
    public void An_explicit_file_timestamp_names_the_first_month_and_adds_a_minute_per_month()
    {
        var options = folder.Options(servicePoints: 1, days: 62) with { FileTimestamp = new DateTime(2027, 1, 2, 3, 4, 5) };

        var result = SampleGenerator.Generate(options);

        Assert.Equal(
            ["opwr_gec_v2-0-9_billing_account_20270102030405.gz", "opwr_gec_v2-0-9_billing_account_20270102030505.gz", "opwr_gec_v2-0-9_billing_account_20270102030605.gz"],
            result.Files.Where(file => file.Entity == Entity.Rate).Select(file => Path.GetFileName(file.Path)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.013)]
    [InlineData(0.25)]
    public void Counts_read_back_match_the_result_and_the_manifest_and_bad_rows_are_exactly_the_rate(double errorRate)
    {
        var result = SampleGenerator.Generate(folder.Options(servicePoints: 13, days: 45) with { ErrorRate = errorRate });
        var manifest = GenerationManifest.Read(Path.Combine(folder.Path, GenerationManifest.FileName));

        foreach (var file in result.Files)
        {
            var brokenRules = ReadBrokenRules(file.Path, file.Entity, 15);
            Assert.Equal(file.Rows, brokenRules.Count);
            Assert.All(brokenRules, rules => Assert.True(rules.Count <= 1, $"A row breaks {string.Join(", ", rules)}."));
            Assert.Equal((long)Math.Round(file.Rows * errorRate, MidpointRounding.AwayFromZero), file.BadRows);
            var observed = brokenRules.SelectMany(rules => rules).GroupBy(rule => rule).ToDictionary(group => group.Key, group => (long)group.LongCount());
            Assert.Equal(observed.OrderBy(pair => pair.Key), file.BadRowsByRule.OrderBy(pair => pair.Key));

            var listed = Assert.Single(manifest.Files, candidate => candidate.Path == file.Path);
            Assert.Equal((file.Entity, file.Rows, file.BadRows), (listed.Entity, listed.Rows, listed.BadRows));
            Assert.Equal(file.BadRowsByRule.OrderBy(pair => pair.Key), listed.BadRowsByRule.OrderBy(pair => pair.Key));
        }

        foreach (var entity in Enum.GetValues<Entity>())
        {
            var files = result.Files.Where(file => file.Entity == entity).ToList();
            Assert.Equal(files.Sum(file => file.Rows) - files.Sum(file => file.BadRows), result.ExpectedApplied(entity));
            Assert.Equal(result.ExpectedApplied(entity), manifest.ExpectedApplied(entity));
            Assert.Equal(result.TotalsFor(entity).ValueSum, manifest.TotalsFor(entity).ValueSum);
        }

        Assert.Equal(result.RateHistory, manifest.RateHistory);
    }

    [Fact]
    public void Bad_rows_are_spread_over_every_rule_of_each_entity()
    {
        var result = SampleGenerator.Generate(folder.Options(servicePoints: 40, days: 31, intervalMinutes: 5) with { ErrorRate = 0.5 });

        Assert.Equal(
            [RuleCodes.InvalidDatetime, RuleCodes.InvalidDecimal, RuleCodes.InvalidEnum, RuleCodes.MisalignedInterval,
             RuleCodes.MissingRequired, RuleCodes.NegativeUsage, RuleCodes.TooLong, RuleCodes.WrongColumnCount],
            result.TotalsFor(Entity.Interval).BadRowsByRule.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            [RuleCodes.InvalidDecimal, RuleCodes.InvalidRange, RuleCodes.MissingRequired],
            result.TotalsFor(Entity.ServiceQuantity).BadRowsByRule.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            [RuleCodes.InvalidDatetime, RuleCodes.MissingRequired],
            result.TotalsFor(Entity.Rate).BadRowsByRule.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Hourly_or_longer_intervals_get_no_misaligned_rows()
    {
        var result = SampleGenerator.Generate(folder.Options(servicePoints: 20, days: 10, intervalMinutes: 60) with { ErrorRate = 0.3 });

        Assert.DoesNotContain(RuleCodes.MisalignedInterval, result.TotalsFor(Entity.Interval).BadRowsByRule.Keys);
    }

    [Theory]
    [InlineData("UTC", 15, "2025-10-01", 3, "2025-10-02", 96)]
    [InlineData("UTC", 1440, "2025-10-01", 3, "2025-10-02", 1)]
    [InlineData("America/New_York", 60, "2025-11-01", 3, "2025-11-02", 25)]
    [InlineData("America/New_York", 60, "2026-03-07", 3, "2026-03-08", 23)]
    [InlineData("America/New_York", 15, "2026-03-07", 3, "2026-03-08", 92)]
    public void Every_service_point_has_a_days_worth_of_reads_each_local_day(
        string timeZone, int intervalMinutes, string firstDay, int days, string specialDay, int readsOnSpecialDay)
    {
        var options = folder.Options(servicePoints: 3, days, intervalMinutes) with
        {
            TimeZone = timeZone,
            FirstDay = DateOnly.Parse(firstDay, CultureInfo.InvariantCulture),
        };
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var result = SampleGenerator.Generate(options);

        var readsPerDay = ReadIntervals(result)
            .GroupBy(read => (read.ServicePoint, Day: DateOnly.FromDateTime(
                TimeZoneInfo.ConvertTimeFromUtc(read.EndUtc.AddMinutes(-intervalMinutes), zone))))
            .ToDictionary(group => group.Key, group => group.Count());

        Assert.Equal(3 * days, readsPerDay.Count);
        var special = DateOnly.Parse(specialDay, CultureInfo.InvariantCulture);
        Assert.All(readsPerDay, pair => Assert.Equal(pair.Key.Day == special ? readsOnSpecialDay : 1440 / intervalMinutes, pair.Value));
    }

    [Fact]
    public void The_fall_back_day_has_both_one_oclock_hours_with_their_own_offsets()
    {
        var options = folder.Options(servicePoints: 2, days: 2) with { TimeZone = "America/New_York", FirstDay = new DateOnly(2025, 11, 1) };
        var result = SampleGenerator.Generate(options);

        var repeated = ReadIntervals(result)
            .Where(read => read.Fields[1] == "20251102" && read.Fields[2] == "0115")
            .ToList();

        Assert.Equal(4, repeated.Count);
        Assert.All(repeated.GroupBy(read => read.ServicePoint), reads =>
            Assert.Equal(["-0400", "-0500"], reads.Select(read => read.Fields[6])));
        Assert.DoesNotContain(ReadIntervals(result), read => read.Fields[2] == "2400");
    }

    [Fact]
    public void Good_rows_never_share_a_key_except_the_counted_rate_corrections()
    {
        var result = SampleGenerator.Generate(folder.Options(servicePoints: 150, days: 120) with { ErrorRate = 0.02 });

        var intervalKeys = ReadIntervals(result).Where(read => RowRules.Interval(read.Fields, 15).Count == 0).Select(read => (read.ServicePoint, read.EndUtc)).ToList();
        Assert.Equal(result.ExpectedApplied(Entity.Interval), intervalKeys.Count);
        Assert.Equal(intervalKeys.Count, intervalKeys.Distinct().Count());

        var quantityKeys = GoodRows(result, Entity.ServiceQuantity).Select(fields => (fields[1], fields[2], fields[3], fields[4])).ToList();
        Assert.Equal(result.ExpectedApplied(Entity.ServiceQuantity), quantityKeys.Count);
        Assert.Equal(quantityKeys.Count, quantityKeys.Distinct().Count());

        var rateKeys = GoodRows(result, Entity.Rate).Select(fields => (fields[5], fields[9])).ToList();
        Assert.Equal(result.ExpectedApplied(Entity.Rate), rateKeys.Count);
        Assert.True(result.RateCorrections > 0);
        Assert.Equal(rateKeys.Count - result.RateCorrections, rateKeys.Distinct().Count());
        Assert.Equal(result.ExpectedStored(Entity.Rate), result.RateHistory.Count);
    }

    [Fact]
    public void The_manifest_rate_history_is_what_the_domain_rule_makes_of_the_good_account_rows()
    {
        var result = SampleGenerator.Generate(folder.Options(servicePoints: 60, days: 200) with { ErrorRate = 0.05 });

        var histories = new Dictionary<string, RateHistory>();
        var accountFiles = result.Files.Where(file => file.Entity == Entity.Rate).ToList();
        foreach (var (fields, sequence) in accountFiles.SelectMany((file, order) => GeneratedFolder.Rows(file.Path, AccountFileGenerator.Header)
                     .Select((fields, index) => (fields, new SourceSequence(order, file.Path, index + 2L)))))
        {
            if (RowRules.Account(fields).Count != 0)
            {
                continue;
            }

            var agreement = fields[5];
            var history = histories.TryGetValue(agreement, out var known) ? known : histories[agreement] = new RateHistory(agreement, []);
            var effective = DateTime.SpecifyKind(RowRules.LocalDateTime(fields[9]), DateTimeKind.Utc);
            history.Apply(new RateRow(agreement, fields[8], effective, null, fields[0], sequence));
        }

        var replayed = histories.Values
            .SelectMany(history => history.Versions.Select(version => new ExpectedRateVersion(history.ServiceAgreementId, version.EffectiveUtc, version.RateCode)))
            .OrderBy(version => version.ServiceAgreementId, StringComparer.Ordinal).ThenBy(version => version.EffectiveUtc);
        Assert.Equal(replayed, result.RateHistory);
    }

    [Fact]
    public void A_million_rows_are_written_without_allocating_per_row()
    {
        var options = folder.Options(servicePoints: 105, days: 100);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var result = SampleGenerator.Generate(options);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var rows = result.TotalsFor(Entity.Interval).Rows;
        Assert.Equal(1_008_000, rows);
        Assert.True(allocated < rows * 4, $"{allocated:N0} bytes allocated for {rows:N0} rows: rows are being kept or formatted into strings.");
    }

    [Fact]
    public void Unusable_options_are_refused_with_every_problem_named()
    {
        var options = new GeneratorOptions
        {
            OutputDirectory = folder.Path,
            ServicePoints = 0,
            Days = 0,
            IntervalMinutes = 10,
            ErrorRate = 1.5,
            Utility = "GEC!",
            TimeZone = "Mars/Olympus",
        };

        var problems = options.Validate();
        var refusal = Assert.Throws<ArgumentException>(() => SampleGenerator.Generate(options));

        Assert.Equal(6, problems.Count);
        Assert.All(problems, problem => Assert.Contains(problem, refusal.Message, StringComparison.Ordinal));
        Assert.Empty(folder.Options(1, 1).Validate());
    }

    private static List<List<string>> ReadBrokenRules(string path, Entity entity, int intervalMinutes) => entity switch
    {
        Entity.Interval => GeneratedFolder.Rows(path, IntervalFileGenerator.Header).Select(fields => RowRules.Interval(fields, intervalMinutes)).ToList(),
        Entity.ServiceQuantity => GeneratedFolder.Rows(path, ServiceQuantityFileGenerator.Header).Select(RowRules.ServiceQuantity).ToList(),
        _ => GeneratedFolder.Rows(path, AccountFileGenerator.Header).Select(RowRules.Account).ToList(),
    };

    private static IEnumerable<string[]> GoodRows(GenerationResult result, Entity entity) =>
        result.Files.Where(file => file.Entity == entity).SelectMany(file => entity == Entity.ServiceQuantity
            ? GeneratedFolder.Rows(file.Path, ServiceQuantityFileGenerator.Header).Where(fields => RowRules.ServiceQuantity(fields).Count == 0)
            : GeneratedFolder.Rows(file.Path, AccountFileGenerator.Header).Where(fields => RowRules.Account(fields).Count == 0));

    private static IEnumerable<IntervalRow> ReadIntervals(GenerationResult result) =>
        result.Files.Where(file => file.Entity == Entity.Interval)
            .SelectMany(file => GeneratedFolder.Rows(file.Path, IntervalFileGenerator.Header))
            .Select(fields => new IntervalRow(fields));

    /// <summary>An interval row with its end instant from date, time and UTC_offset (valid rows only).</summary>
    private sealed record IntervalRow(string[] Fields)
    {
        public string ServicePoint => Fields[0];

        public DateTime EndUtc => DateTimeOffset.ParseExact(
            $"{Fields[1]}{Fields[2]}{Fields[6]}", "yyyyMMddHHmmzzz", CultureInfo.InvariantCulture).UtcDateTime;
    }
}
