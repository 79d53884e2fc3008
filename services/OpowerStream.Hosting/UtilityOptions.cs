using System.ComponentModel.DataAnnotations;
using OpowerStream.Domain.Validation;

namespace OpowerStream.Hosting;

/// <summary>
/// The utility's settings that validation depends on (spec section 3 and 4.1). <c>Utility:TimeZone</c>
/// (environment variable <c>Utility__TimeZone</c>) is the IANA zone of local times without an offset.
/// Empty lists keep the spec's defaults.
/// </summary>
public sealed class UtilityOptions : IValidatableObject
{
    public const string Section = "Utility";

    public string TimeZone { get; set; } = "UTC";

    public IList<string> AllowedUnits { get; } = [];

    public IList<string> AllowedServiceTypes { get; } = [];

    public IList<string> AllowedIntervalIdentifiers { get; } = [];

    public ValidationSettings ToValidationSettings()
    {
        var defaults = ValidationSettings.ForTimeZone(TimeZone);
        return new ValidationSettings
        {
            UtilityTimeZone = defaults.UtilityTimeZone,
            AllowedUnits = OrDefault(AllowedUnits, defaults.AllowedUnits),
            AllowedServiceTypes = OrDefault(AllowedServiceTypes, defaults.AllowedServiceTypes),
            AllowedIntervalIdentifiers = OrDefault(AllowedIntervalIdentifiers, defaults.AllowedIntervalIdentifiers),
        };
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? problem = null;
        try
        {
            _ = ToValidationSettings();
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            yield return new ValidationResult($"Utility settings are not usable: {problem}", [nameof(TimeZone)]);
        }
    }

    private static IReadOnlySet<string> OrDefault(IList<string> configured, IReadOnlySet<string> fallback) =>
        configured.Count == 0
            ? fallback
            : new HashSet<string>(configured.Select(v => v.Trim().ToUpperInvariant()), StringComparer.OrdinalIgnoreCase);
}
