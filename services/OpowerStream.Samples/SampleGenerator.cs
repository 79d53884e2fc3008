using System.Globalization;
using OpowerStream.Domain;
using OpowerStream.Samples.Calendar;
using OpowerStream.Samples.Entities;

namespace OpowerStream.Samples;

/// <summary>
/// Writes realistic Opower inbound files (interval, billing service quantity, main account), one of
/// each per calendar month of the requested days, gzip'd TSV named per spec section 2, together with
/// the truth a store must reach after applying them (returned and written to manifest.json).
/// </summary>
public static class SampleGenerator
{
    private const string NameTimestampFormat = "yyyyMMddHHmmss";

    public static GenerationResult Generate(GeneratorOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        Directory.CreateDirectory(options.OutputDirectory);
        var clock = new LocalClock(TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone));
        var population = new Population(options.ServicePoints, options.Seed);
        var truth = new RateTruth(options.ServicePoints);
        var intervals = new IntervalFileGenerator(options, population, clock);
        var serviceQuantities = new ServiceQuantityFileGenerator(options, population, clock);
        var accounts = new AccountFileGenerator(options, population, clock, truth);

        var outcomes = new List<FileOutcome>();
        foreach (var slice in MonthSlice.Split(options.FirstDay, options.Days))
        {
            var timestamp = NameTimestamp(options, slice);
            outcomes.Add(intervals.Write(PathFor(options, $"res_v2-0-5_interval{options.IntervalMinutes}", timestamp), slice, ct));
            outcomes.Add(serviceQuantities.Write(PathFor(options, "v2-0-3_billing_servicequantity", timestamp), slice, ct));
            outcomes.Add(accounts.Write(PathFor(options, "v2-0-9_billing_account", timestamp), slice, ct));
        }

        var result = new GenerationResult(
            outcomes.Select(outcome => outcome.File).ToList(),
            Enum.GetValues<Entity>().Select(entity => Totals(entity, outcomes)).ToList(),
            truth.Corrections,
            truth.Export(),
            Path.GetFullPath(Path.Combine(options.OutputDirectory, GenerationManifest.FileName)));
        GenerationManifest.Write(result.ManifestPath, options, result);
        return result;
    }

    private static string NameTimestamp(GeneratorOptions options, MonthSlice slice)
    {
        var timestamp = options.FileTimestamp?.AddMinutes(slice.Index)
            ?? slice.LastDay.AddDays(1).ToDateTime(new TimeOnly(6, 0));
        return timestamp.ToString(NameTimestampFormat, CultureInfo.InvariantCulture);
    }

    private static string PathFor(GeneratorOptions options, string kind, string timestamp) =>
        Path.Combine(options.OutputDirectory, $"opwr_{options.Utility}_{kind}_{timestamp}.gz");

    private static EntityTotals Totals(Entity entity, IEnumerable<FileOutcome> outcomes)
    {
        var files = outcomes.Where(outcome => outcome.File.Entity == entity).ToList();
        var byRule = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (rule, count) in files.SelectMany(outcome => outcome.File.BadRowsByRule))
        {
            byRule[rule] = byRule.GetValueOrDefault(rule) + count;
        }

        return new EntityTotals(
            entity,
            files.Count,
            files.Sum(outcome => outcome.File.Rows),
            files.Sum(outcome => outcome.File.BadRows),
            byRule,
            files.Sum(outcome => outcome.ValueSum));
    }
}
