using System.Globalization;
using OpowerStream.Domain;
using OpowerStream.Samples;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Soak;

/// <summary>
/// Compares a store with what the generator says it must hold after every file of a generation was
/// applied: each file's ledger line (rows read, applied, rejected, reconciled), the stored rows per
/// entity, the usage and billed-quantity sums, the rejects per rule and the exact rate history. The
/// truth comes from the generator alone, never from the pipeline.
/// </summary>
public static class StoreTruthCheck
{
    /// <summary>Every difference, in words; empty when the store matches the truth exactly.</summary>
    public static async Task<IReadOnlyList<string>> CompareAsync(IPipelineStore store, GenerationResult truth, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(truth);
        var problems = new List<string>();
        var ledger = (await store.GetFilesAsync(ct).ConfigureAwait(false)).ToDictionary(f => f.FileName, StringComparer.Ordinal);
        foreach (var file in truth.Files)
        {
            var name = Path.GetFileName(file.Path);
            if (!ledger.TryGetValue(name, out var line))
            {
                problems.Add($"{name}: not in the file ledger");
                continue;
            }

            Expect(problems, $"{name} status", FileStatus.Published, line.Status);
            Expect(problems, $"{name} rows read", file.Rows, line.RowsRead);
            Expect(problems, $"{name} rows applied", file.ExpectedApplied, line.RowsApplied);
            Expect(problems, $"{name} rows rejected", file.BadRows, line.RowsRejected);
            Expect(problems, $"{name} reconciles", true, line.Reconciles);
        }

        var (intervals, usage) = await CountAndSumAsync(store.ReadIntervalsAsync(ct), read => read.UsageValue).ConfigureAwait(false);
        Expect(problems, "interval reads stored", truth.ExpectedStored(Entity.Interval), intervals);
        Expect(problems, "usage sum", truth.TotalsFor(Entity.Interval).ValueSum, usage);

        var (quantities, billed) = await CountAndSumAsync(store.ReadServiceQuantitiesAsync(ct), quantity => quantity.BilledQuantity).ConfigureAwait(false);
        Expect(problems, "service quantities stored", truth.ExpectedStored(Entity.ServiceQuantity), quantities);
        Expect(problems, "billed quantity sum", truth.TotalsFor(Entity.ServiceQuantity).ValueSum, billed);

        var rejectsByRule = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await foreach (var reject in store.ReadRejectsAsync(ct).ConfigureAwait(false))
        {
            var key = $"{reject.Entity}/{reject.Rule}";
            rejectsByRule[key] = rejectsByRule.GetValueOrDefault(key) + 1;
        }

        var expectedByRule = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var total in truth.Totals)
        {
            foreach (var (rule, count) in total.BadRowsByRule)
            {
                expectedByRule[$"{total.Entity.Name()}/{rule}"] = count;
            }
        }

        Expect(problems, "rejects per rule", Describe(expectedByRule), Describe(rejectsByRule));

        var rates = new List<string>();
        await foreach (var period in store.ReadRatePeriodsAsync(ct).ConfigureAwait(false))
        {
            rates.Add(RateKey(period.ServiceAgreementId, period.Version.EffectiveUtc, period.Version.RateCode));
        }

        var expectedRates = truth.RateHistory.Select(v => RateKey(v.ServiceAgreementId, v.EffectiveUtc, v.RateCode)).Order(StringComparer.Ordinal).ToList();
        rates.Sort(StringComparer.Ordinal);
        if (!rates.SequenceEqual(expectedRates, StringComparer.Ordinal))
        {
            var missing = expectedRates.Except(rates, StringComparer.Ordinal).Take(3);
            var extra = rates.Except(expectedRates, StringComparer.Ordinal).Take(3);
            problems.Add($"rate history: expected {expectedRates.Count} versions, found {rates.Count}; missing [{string.Join("; ", missing)}], unexpected [{string.Join("; ", extra)}]");
        }

        return problems;
    }

    private static async Task<(long Count, decimal Sum)> CountAndSumAsync<T>(IAsyncEnumerable<T> rows, Func<T, decimal> value)
    {
        var count = 0L;
        var sum = 0m;
        await foreach (var row in rows.ConfigureAwait(false))
        {
            count++;
            sum += value(row);
        }

        return (count, sum);
    }

    private static void Expect<T>(List<string> problems, string what, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected}, found {actual}"));
        }
    }

    private static string Describe(SortedDictionary<string, long> counts) =>
        string.Join(", ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key}={c.Value}")));

    private static string RateKey(string agreement, DateTime effectiveUtc, string code) =>
        string.Create(CultureInfo.InvariantCulture, $"{agreement},{code},{effectiveUtc:yyyy-MM-dd'T'HH:mm:ss'Z'}");
}
