using System.Text.Json;
using System.Text.Json.Serialization;
using OpowerStream.Domain;

namespace OpowerStream.Samples;

/// <summary>
/// manifest.json, written next to the files: the same numbers as <see cref="GenerationResult"/>, so a
/// script or the soak test can check a store against the generator's own truth without rerunning it.
/// </summary>
public static class GenerationManifest
{
    public const string FileName = "manifest.json";

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
        JsonSerializer.Serialize(stream, manifest, ManifestJson.Default.ManifestDocument);
    }

    /// <summary>Reads a manifest back; file paths are resolved next to it.</summary>
    public static GenerationResult Read(string path)
    {
        using var stream = File.OpenRead(path);
        var manifest = JsonSerializer.Deserialize(stream, ManifestJson.Default.ManifestDocument)
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
}

// Source-generated, so the manifest also works in trimmed or AOT-published hosts (no reflection).
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ManifestDocument))]
internal sealed partial class ManifestJson : JsonSerializerContext;

internal sealed record ManifestDocument(
    ManifestOptions Generator,
    IReadOnlyList<ManifestFile> Files,
    IReadOnlyList<ManifestTotals> Totals,
    long RateCorrections,
    IReadOnlyList<ExpectedRateVersion> RateHistory);

internal sealed record ManifestOptions(
    int ServicePoints, int Days, int IntervalMinutes, long Seed, double ErrorRate, string Utility, DateOnly FirstDay, string TimeZone);

internal sealed record ManifestFile(
    string Name, string Entity, long Rows, long BadRows, long ExpectedApplied, IReadOnlyDictionary<string, long> BadRowsByRule);

internal sealed record ManifestTotals(
    string Entity, int Files, long Rows, long BadRows, long ExpectedApplied, long ExpectedStored, decimal ValueSum,
    IReadOnlyDictionary<string, long> BadRowsByRule);
