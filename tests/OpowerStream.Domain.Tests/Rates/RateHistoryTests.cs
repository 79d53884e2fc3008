using OpowerStream.Domain.Rates;

namespace OpowerStream.Domain.Tests.Rates;

public class RateHistoryTests
{
    private const string Agreement = "1234567890";

    /// <summary>Spec 4.3's worked example: one row per file, files in timestamp order.</summary>
    private static readonly RateRow[] WorkedExample =
    [
        Rate("ER-BASIC", 2018, 1, 1, fileTimestamp: 20180101060000),
        Rate("ER-DMINU", 2018, 5, 1, fileTimestamp: 20180501060000),
        Rate("ER_BASIC", 2018, 5, 1, fileTimestamp: 20180502060000),
        Rate("ERES1", 2018, 6, 1, fileTimestamp: 20180601060000),
    ];

    [Fact]
    public void The_worked_example_gives_the_intended_history_after_each_file()
    {
        var history = new RateHistory(Agreement, []);

        Assert.Equal(RateChangeKind.Inserted, history.Apply(WorkedExample[0]).Kind);
        Assert.Equal([("ER-BASIC", Utc(2018, 1, 1), (DateTime?)null)], Summary(history));

        Assert.Equal(RateChangeKind.Inserted, history.Apply(WorkedExample[1]).Kind);
        Assert.Equal(
            [("ER-BASIC", Utc(2018, 1, 1), Utc(2018, 4, 30, 23, 59, 59)), ("ER-DMINU", Utc(2018, 5, 1), (DateTime?)null)],
            Summary(history));

        var correction = history.Apply(WorkedExample[2]);
        Assert.Equal(RateChangeKind.Corrected, correction.Kind);
        Assert.Equal("ER-DMINU", correction.Displaced?.RateCode);
        Assert.Equal(
            [("ER-BASIC", Utc(2018, 1, 1), Utc(2018, 4, 30, 23, 59, 59)), ("ER_BASIC", Utc(2018, 5, 1), (DateTime?)null)],
            Summary(history));

        Assert.Equal(RateChangeKind.Inserted, history.Apply(WorkedExample[3]).Kind);
        Assert.Equal(
            [
                ("ER-BASIC", Utc(2018, 1, 1), Utc(2018, 4, 30, 23, 59, 59)),
                ("ER_BASIC", Utc(2018, 5, 1), Utc(2018, 5, 31, 23, 59, 59)),
                ("ERES1", Utc(2018, 6, 1), (DateTime?)null),
            ],
            Summary(history));
    }

    [Fact]
    public void The_same_rows_in_reverse_order_give_the_identical_history()
    {
        var forward = Replay(WorkedExample);
        var reverse = Replay(WorkedExample.Reverse());

        Assert.Equal(forward.Periods(), reverse.Periods());
        Assert.Equal("ER_BASIC", reverse.Versions[1].RateCode);
    }

    [Fact]
    public void Every_arrival_order_gives_the_same_history_and_the_same_displaced_values()
    {
        var expectedPeriods = Replay(WorkedExample).Periods().ToList();
        var expectedDisplaced = DisplacedCodes(WorkedExample);

        foreach (var order in Permutations(WorkedExample))
        {
            Assert.Equal(expectedPeriods, Replay(order).Periods());
            Assert.Equal(expectedDisplaced, DisplacedCodes(order));
        }

        Assert.Equal(["ER-DMINU"], expectedDisplaced);
    }

    [Fact]
    public void A_backdated_row_is_inserted_between_two_versions_and_splits_the_period()
    {
        var history = Replay([Rate("A", 2018, 1, 1, 20180101060000), Rate("C", 2018, 6, 1, 20180601060000)]);

        var change = history.Apply(Rate("B", 2018, 3, 1, 20180701060000));

        Assert.Equal(RateChangeKind.Inserted, change.Kind);
        Assert.Null(change.Displaced);
        Assert.Equal(
            [
                ("A", Utc(2018, 1, 1), Utc(2018, 2, 28, 23, 59, 59)),
                ("B", Utc(2018, 3, 1), Utc(2018, 5, 31, 23, 59, 59)),
                ("C", Utc(2018, 6, 1), (DateTime?)null),
            ],
            Summary(history));
    }

    [Fact]
    public void A_row_dated_before_every_version_becomes_the_first_period()
    {
        var history = Replay([Rate("B", 2018, 6, 1, 20180601060000)]);

        history.Apply(Rate("A", 2017, 1, 1, 20180701060000));

        Assert.Equal(
            [("A", Utc(2017, 1, 1), Utc(2018, 5, 31, 23, 59, 59)), ("B", Utc(2018, 6, 1), (DateTime?)null)],
            Summary(history));
    }

    [Fact]
    public void An_older_row_for_an_existing_version_is_superseded_and_changes_nothing()
    {
        var newer = Rate("NEW", 2018, 5, 1, 20180502060000);
        var older = Rate("OLD", 2018, 5, 1, 20180501060000);
        var history = Replay([newer]);

        var change = history.Apply(older);

        Assert.Equal(RateChangeKind.Superseded, change.Kind);
        Assert.Equal(RateVersion.From(newer), change.Current);
        Assert.Equal(RateVersion.From(older), change.Displaced);
        Assert.Equal([RateVersion.From(newer)], history.Versions);
    }

    [Fact]
    public void A_later_line_of_the_same_file_corrects_an_earlier_one()
    {
        var history = Replay([Rate("FIRST", 2018, 5, 1, 20180501060000, line: 2)]);

        var change = history.Apply(Rate("SECOND", 2018, 5, 1, 20180501060000, line: 3));

        Assert.Equal(RateChangeKind.Corrected, change.Kind);
        Assert.Equal("SECOND", history.Versions.Single().RateCode);
    }

    [Fact]
    public void Redelivering_the_same_row_is_unchanged()
    {
        var row = Rate("ER-BASIC", 2018, 1, 1, 20180101060000);
        var history = Replay([row]);

        var change = history.Apply(row);

        Assert.Equal(RateChangeKind.Unchanged, change.Kind);
        Assert.Null(change.Displaced);
        Assert.Equal([RateVersion.From(row)], history.Versions);
    }

    [Fact]
    public void A_history_rebuilt_from_stored_versions_applies_rows_the_same_way()
    {
        var stored = Replay(WorkedExample.Take(2)).Versions;
        var rebuilt = new RateHistory(Agreement, stored);

        foreach (var row in WorkedExample.Skip(2))
        {
            rebuilt.Apply(row);
        }

        Assert.Equal(Replay(WorkedExample).Periods(), rebuilt.Periods());
    }

    [Fact]
    public void A_row_of_another_agreement_is_refused()
    {
        var history = new RateHistory(Agreement, []);
        var other = Rate("X", 2018, 1, 1, 20180101060000) with { ServiceAgreementId = "999" };

        Assert.Throws<ArgumentException>(() => history.Apply(other));
    }

    private static RateRow Rate(string code, int year, int month, int day, long fileTimestamp, long line = 2) =>
        new(
            Agreement,
            code,
            Utc(year, month, day),
            null,
            "ACC-1",
            new SourceSequence(fileTimestamp, $"opwr_gec_v2-0-9_billing_account_{fileTimestamp}.tsv", line));

    private static DateTime Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, DateTimeKind.Utc);

    private static RateHistory Replay(IEnumerable<RateRow> rows)
    {
        var history = new RateHistory(Agreement, []);
        foreach (var row in rows)
        {
            history.Apply(row);
        }

        return history;
    }

    /// <summary>The rate codes that lost, in the order the audit trail would sort them.</summary>
    private static List<string> DisplacedCodes(IEnumerable<RateRow> rows)
    {
        var history = new RateHistory(Agreement, []);
        var displaced = new List<string>();
        foreach (var row in rows)
        {
            if (history.Apply(row).Displaced is { } version)
            {
                displaced.Add(version.RateCode);
            }
        }

        displaced.Sort(StringComparer.Ordinal);
        return displaced;
    }

    private static List<(string Code, DateTime From, DateTime? Until)> Summary(RateHistory history) =>
        history.Periods().Select(period => (period.Version.RateCode, period.Version.EffectiveUtc, period.EndUtc)).ToList();

    private static IEnumerable<RateRow[]> Permutations(RateRow[] rows)
    {
        if (rows.Length <= 1)
        {
            yield return rows;
            yield break;
        }

        for (var i = 0; i < rows.Length; i++)
        {
            var rest = rows.Where((_, index) => index != i).ToArray();
            foreach (var tail in Permutations(rest))
            {
                yield return [rows[i], .. tail];
            }
        }
    }
}
