using System.ComponentModel.DataAnnotations;
using OpowerStream.Storage;

namespace OpowerStream.Hosting;

/// <summary>Where the materialized state lives: <c>sqlite:PATH</c> (embedded default) or <c>postgres:CONNECTION_STRING</c>.</summary>
public sealed class StoreOptions : IValidatableObject
{
    public const string Section = "Store";

    public const string DefaultLocation = "sqlite:data/opowerstream.db";

    public string Location { get; set; } = DefaultLocation;

    public StoreLocation ToStoreLocation() => StoreLocation.Parse(Location);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? problem = null;
        try
        {
            _ = ToStoreLocation();
        }
        catch (FormatException e)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            yield return new ValidationResult($"Store:Location is not usable: {problem}", [nameof(Location)]);
        }
    }
}
