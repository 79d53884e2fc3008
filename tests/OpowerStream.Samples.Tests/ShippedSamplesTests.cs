using OpowerStream.Domain;
using OpowerStream.Domain.Rates;

namespace OpowerStream.Samples.Tests;

public sealed class ShippedSamplesTests
{
    private static readonly string SamplesFolder = FindSamplesFolder();

    [Fact]
    public void The_worked_example_is_four_account_files_whose_rows_give_the_specs_history()
    {
        var files = Directory.GetFiles(Path.Combine(SamplesFolder, "worked-example"), "*.tsv").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["opwr_gec_v2-0-9_billing_account_20180101060000.tsv", "opwr_gec_v2-0-9_billing_account_20180501060000.tsv",
             "opwr_gec_v2-0-9_billing_account_20180502060000.tsv", "opwr_gec_v2-0-9_billing_account_20180601060000.tsv"],
            files.Select(Path.GetFileName));

        var history = new RateHistory("1234567890", []);
        var changes = new List<RateChangeKind>();
        foreach (var (file, order) in files.Select((file, order) => (file, order)))
        {
            var lines = File.ReadAllLines(file);
            var header = lines[0].Split('\t').ToList();
            var row = Assert.Single(lines[1..]).Split('\t');
            Assert.Equal(header.Count, row.Length);
            var agreement = row[header.IndexOf(RateColumns.ServiceAgreementId)];
            var effective = DateTime.SpecifyKind(RowRules.LocalDateTime(row[header.IndexOf(RateColumns.EffectiveDatetime)]), DateTimeKind.Utc);
            var rateCode = row[header.IndexOf(RateColumns.SaRateCode)];
            changes.Add(history.Apply(new RateRow(agreement, rateCode, effective, null, null, new SourceSequence(order, file, 2))).Kind);
        }

        Assert.Equal([RateChangeKind.Inserted, RateChangeKind.Inserted, RateChangeKind.Corrected, RateChangeKind.Inserted], changes);
        Assert.Equal(
            [
                ("ER-BASIC", Utc(2018, 1, 1), (DateTime?)Utc(2018, 4, 30, 23, 59, 59)),
                ("ER_BASIC", Utc(2018, 5, 1), Utc(2018, 5, 31, 23, 59, 59)),
                ("ERES1", Utc(2018, 6, 1), null),
            ],
            history.Periods().Select(period => (period.Version.RateCode, period.Version.EffectiveUtc, period.EndUtc)));
    }

    [Fact]
    public void The_mixed_samples_hold_one_file_of_each_kind_with_one_negative_usage_row()
    {
        var files = Directory.GetFiles(Path.Combine(SamplesFolder, "mixed"), "*.tsv").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["opwr_gec_res_v2-0-5_interval15_20251016060000.tsv", "opwr_gec_v2-0-3_billing_servicequantity_20251016060000.tsv", "opwr_gec_v2-0-9_billing_account_20251016060000.tsv"],
            files);

        var intervalRows = File.ReadAllLines(Path.Combine(SamplesFolder, "mixed", files[0]!))[1..].Select(line => line.Split('\t')).ToList();
        Assert.Equal(192, intervalRows.Count);
        var broken = intervalRows.Select(fields => (fields, rules: RowRules.Interval(fields, 15))).Where(row => row.rules.Count > 0).ToList();
        var (badRow, rules) = Assert.Single(broken);
        Assert.Equal([RuleCodes.NegativeUsage], rules);
        Assert.Equal(["3000000002", "20251015", "1800"], badRow[..3]);
    }

    private static DateTime Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, DateTimeKind.Utc);

    private static string FindSamplesFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "OpowerStream.sln")))
            {
                return Path.Combine(folder.FullName, "samples");
            }
        }

        throw new DirectoryNotFoundException("No OpowerStream.sln above the test binaries.");
    }
}
