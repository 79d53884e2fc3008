using System.Text.RegularExpressions;

namespace OpowerStream.Samples;

/// <summary>What <see cref="SampleGenerator"/> writes: how many service points, which days, which interval length.</summary>
public sealed partial record GeneratorOptions
{
    /// <summary>Interval lengths an interval file name may carry (spec section 2).</summary>
    public static readonly IReadOnlyList<int> SupportedIntervalMinutes = [5, 15, 30, 60, 1440];

    /// <summary>Folder the files and manifest.json are written to; created when missing.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Service points; each has one account, one service agreement and one premise.</summary>
    public int ServicePoints { get; init; } = 100;

    /// <summary>Days of data from <see cref="FirstDay"/>; one file per entity per calendar month touched.</summary>
    public int Days { get; init; } = 30;

    public int IntervalMinutes { get; init; } = 15;

    /// <summary>Same seed and options, byte-identical files.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Share of rows in every file that are deliberately invalid (0..1).</summary>
    public double ErrorRate { get; init; }

    /// <summary>Utility code in the file names, 3-4 lowercase letters or digits.</summary>
    public string Utility { get; init; } = "gec";

    public DateOnly FirstDay { get; init; } = new(2025, 10, 1);

    /// <summary>IANA time zone the local dates and times of the files are in.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>
    /// Timestamp in the names of the first month's files; each later month's files get one minute
    /// more. Null: 06:00:00 on the day after the month's last generated day, as a daily extract would
    /// be named. Set it later than a previous generation's to make this one's files apply after it.
    /// </summary>
    public DateTime? FileTimestamp { get; init; }

    /// <summary>Every problem with these options, in words; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(OutputDirectory))
        {
            problems.Add("The output directory is required.");
        }

        if (ServicePoints is < 1 or > Entities.Population.MaxServicePoints)
        {
            problems.Add($"Service points must be between 1 and {Entities.Population.MaxServicePoints:N0} (got {ServicePoints}).");
        }

        if (Days < 1)
        {
            problems.Add($"Days must be at least 1 (got {Days}).");
        }

        if (!SupportedIntervalMinutes.Contains(IntervalMinutes))
        {
            problems.Add($"Interval minutes must be one of {string.Join(", ", SupportedIntervalMinutes)} (got {IntervalMinutes}).");
        }

        if (!(ErrorRate >= 0 && ErrorRate <= 1))
        {
            problems.Add($"The error rate must be between 0 and 1 (got {ErrorRate}).");
        }

        if (Utility is null || !UtilityCode().IsMatch(Utility))
        {
            problems.Add($"The utility code must be 3-4 lowercase letters or digits (got '{Utility}').");
        }

        if (!System.TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? string.Empty, out _))
        {
            problems.Add($"Unknown time zone '{TimeZone}': use an IANA id such as UTC or America/New_York.");
        }

        return problems;
    }

    [GeneratedRegex("^[a-z0-9]{3,4}$")]
    private static partial Regex UtilityCode();
}
