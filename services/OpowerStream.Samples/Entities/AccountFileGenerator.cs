using OpowerStream.Domain;
using OpowerStream.Samples.Calendar;
using OpowerStream.Samples.Writing;

namespace OpowerStream.Samples.Entities;

/// <summary>
/// Main account files, one per month. The first gives every service agreement its starting rate;
/// each later one carries new rates for a few agreements (effective the month's first day) and
/// corrections for a few others (their latest version again, with another rate code).
/// </summary>
internal sealed class AccountFileGenerator(GeneratorOptions options, Population population, LocalClock clock, RateTruth truth)
{
    private const double ChangeShare = 0.03;
    private const double CorrectionShare = 0.01;

    public static readonly IReadOnlyList<string> Header =
    [
        RateColumns.AccountId, "person_id", "customer_name", "premise_id", IntervalColumns.ServicePointId,
        RateColumns.ServiceAgreementId, "service_type", "sa_start_date", RateColumns.SaRateCode,
        RateColumns.EffectiveDatetime, RateColumns.UpdatedAt,
    ];

    private static readonly IReadOnlyList<string> RateCodes =
        ["ER-BASIC", "ER-TOU", "ER-TOU-EV", "ERES1", "ER-DMINU", "ER-SOLAR", "ER-LOWINC", "ER_BASIC"];

    private static readonly IReadOnlyList<RowFault> Faults =
    [
        RowFault.Replace(RuleCodes.InvalidDatetime, Header, RateColumns.EffectiveDatetime, value => value[..5] + "13" + value[7..]),
        RowFault.Replace(RuleCodes.MissingRequired, Header, RateColumns.SaRateCode, _ => string.Empty),
    ];

    private enum RowKind
    {
        None,
        StartingRate,
        RateChange,
        Correction,
    }

    public FileOutcome Write(string path, MonthSlice slice, CancellationToken ct)
    {
        var plannedRows = Enumerable.Range(0, population.Count).Count(agreement => Kind(slice, agreement) != RowKind.None);
        var values = StableHash.Generator(options.Seed, Purpose.RateValues, slice.Index);
        using var file = new SampleFileWriter(
            path, Entity.Rate, Header, Faults, plannedRows, options.ErrorRate,
            StableHash.Generator(options.Seed, Purpose.BadRows, (long)Entity.Rate, slice.Index));
        var updatedAt = clock.Unambiguous(slice.LastDay.AddDays(1), new TimeOnly(21, 15));
        for (var agreement = 0; agreement < population.Count; agreement++)
        {
            ct.ThrowIfCancellationRequested();
            var kind = Kind(slice, agreement);
            if (kind == RowKind.None)
            {
                continue;
            }

            var latest = truth.Latest(agreement);
            var effectiveLocal = kind switch
            {
                RowKind.StartingRate => clock.Unambiguous(population.AgreementStart(agreement, options.FirstDay), TimeOnly.MinValue),
                RowKind.RateChange => clock.Unambiguous(slice.FirstDay, TimeOnly.MinValue),
                _ => latest!.EffectiveLocal,
            };
            var rateCode = OtherRateCode(latest?.RateCode, values);
            WriteRow(file.Row, agreement, rateCode, effectiveLocal, updatedAt);
            if (file.EndRow())
            {
                truth.Apply(agreement, effectiveLocal, clock.ToUtc(effectiveLocal), rateCode);
            }
        }

        return new FileOutcome(file.Complete(), 0);
    }

    private void WriteRow(TsvRowWriter row, int agreement, string rateCode, DateTime effectiveLocal, DateTime updatedAt)
    {
        row.Number(Population.AccountId(agreement));
        row.Number(Population.PersonId(agreement));
        row.Text(Population.CustomerName(agreement));
        row.Number(Population.PremiseId(agreement));
        row.Number(Population.ServicePointId(agreement));
        row.Number(Population.ServiceAgreementId(agreement));
        row.Text("ELECTRIC");
        row.LocalDate(population.AgreementStart(agreement, options.FirstDay));
        row.Text(rateCode);
        row.LocalDateTime(effectiveLocal);
        row.LocalDateTime(updatedAt);
    }

    /// <summary>
    /// Decided from a hash, so counting a file's rows and writing them agree. A correction needs a good
    /// earlier version to correct: one spoilt into a bad row never reached the truth.
    /// </summary>
    private RowKind Kind(MonthSlice slice, int agreement)
    {
        if (slice.Index == 0)
        {
            return RowKind.StartingRate;
        }

        var draw = StableHash.Unit(options.Seed, Purpose.RateDecision, slice.Index, agreement);
        return draw switch
        {
            < ChangeShare => RowKind.RateChange,
            < ChangeShare + CorrectionShare when truth.Latest(agreement) is not null => RowKind.Correction,
            _ => RowKind.None,
        };
    }

    /// <summary>A rate code different from <paramref name="current"/>, so every change and correction is visible.</summary>
    private static string OtherRateCode(string? current, SplitMix64 values)
    {
        var candidates = RateCodes.Where(code => code != current).ToList();
        return candidates[values.NextInt(candidates.Count)];
    }
}
