using System.Collections.Frozen;

namespace OpowerStream.Domain.Validation;

/// <summary>
/// The configurable parts of row validation (spec sections 3 and 4.1): the utility's time zone and the
/// allowed lists. Values in the lists are compared case-insensitively.
/// </summary>
public sealed class ValidationSettings
{
    public static ValidationSettings Default { get; } = new();

    /// <summary>The zone of every local time given without an offset (setting <c>Utility:TimeZone</c>).</summary>
    public TimeZoneInfo UtilityTimeZone { get; init; } = TimeZoneInfo.Utc;

    public IReadOnlySet<string> AllowedUnits { get; init; } =
        Set("KWH", "WH", "KW", "KVARH", "KVAH", "THERM", "CCF", "CF", "GAL", "M3");

    public IReadOnlySet<string> AllowedServiceTypes { get; init; } = Set("ELECTRIC", "GAS", "WATER");

    public IReadOnlySet<string> AllowedIntervalIdentifiers { get; init; } =
        Set("CONSUMED", "DELIVERED", "RECEIVED", "GENERATED", "NET_USAGE");

    /// <summary>Default lists with the utility time zone given by its IANA id (e.g. <c>America/New_York</c>).</summary>
    public static ValidationSettings ForTimeZone(string ianaTimeZoneId) =>
        new() { UtilityTimeZone = FindTimeZone(ianaTimeZoneId) };

    /// <summary>The time zone with this IANA id; an unknown id fails at start-up with a message saying what is wrong.</summary>
    public static TimeZoneInfo FindTimeZone(string ianaTimeZoneId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ianaTimeZoneId);
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(ianaTimeZoneId.Trim());
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException(
                $"Unknown time zone '{ianaTimeZoneId}': the utility time zone (Utility:TimeZone) must be an IANA id such as 'America/New_York' or 'UTC'.",
                nameof(ianaTimeZoneId),
                exception);
        }
    }

    private static FrozenSet<string> Set(params string[] values) => values.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
}
