using System.Text.Json;
using OpowerStream.Domain;

namespace OpowerStream.Samples;

/// <summary>
/// manifest.json, written next to the files: the same numbers as <see cref="GenerationResult"/>, so a
/// script or the soak test can check a store against the generator's own truth without rerunning it.
/// </summary>
public static class GenerationManifest
{
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Write(string path, GeneratorOptions options, GenerationResult result)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(result);
        var manifest = new ManifestDocument(
            new ManifestOptions(
                options.ServicePoints, options.Days, options.IntervalMinutes, options.Seed, options.ErrorRate,
                options.Utility, options.FirstDay, options.TimeZone),
            result.Files.Select(file => new ManifestFile(
                System.IO.Path.GetFileName(file.Path), file.Entity.Name(), file.Rows, file.BadRows, file.ExpectedApplied,
                file.BadRowsByRule)).ToList(),
            result.Totals.Select(total => new ManifestTotals(
                total.Entity.Name(), total.Files, total.Rows, total.BadRows, total.ExpectedApplied,
                result.ExpectedStored(total.Entity), total.ValueSum, total.BadRowsByRule)).ToList(),
            result.RateCorrections,
            result.RateHistory);
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, manifest, Json);
    }

    /// <summary>Reads a manifest back; file paths are resolved next to it.</summary>
    public static GenerationResult Read(string path)
    {
        using var stream = File.OpenRead(path);
        var manifest = JsonSerializer.Deserialize<ManifestDocument>(stream, Json)
            ?? throw new InvalidDataException($"{path} is not a generation manifest.");
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        return new GenerationResult(
            manifest.Files.Select(file => new GeneratedFile(
                System.IO.Path.Combine(folder, file.Name), EntityOf(file.Entity), file.Rows, file.BadRows, file.BadRowsByRule)).ToList(),
            manifest.Totals.Select(total => new EntityTotals(
                EntityOf(total.Entity), total.Files, total.Rows, total.BadRows, total.BadRowsByRule, total.ValueSum)).ToList(),
            manifest.RateCorrections,
            manifest.RateHistory,
            System.IO.Path.GetFullPath(path));
    }

    private static Entity EntityOf(string name) =>
        EntityNames.TryParse(name, out var entity) ? entity : throw new InvalidDataException($"Unknown entity '{name}' in the manifest.");

    private sealed record ManifestDocument(
        ManifestOptions Generator,
        IReadOnlyList<ManifestFile> Files,
        IReadOnlyList<ManifestTotals> Totals,
        long RateCorrections,
        IReadOnlyList<ExpectedRateVersion> RateHistory);

    private sealed record ManifestOptions(
        int ServicePoints, int Days, int IntervalMinutes, long Seed, double ErrorRate, string Utility, DateOnly FirstDay, string TimeZone);

    private sealed record ManifestFile(
        string Name, string Entity, long Rows, long BadRows, long ExpectedApplied, IReadOnlyDictionary<string, long> BadRowsByRule);

    private sealed record ManifestTotals(
        string Entity, int Files, long Rows, long BadRows, long ExpectedApplied, long ExpectedStored, decimal ValueSum,
        IReadOnlyDictionary<string, long> BadRowsByRule);
}
