using OpowerStream.Domain.Validation;

namespace OpowerStream.Domain.Tests.Validation;

public class ValidationSettingsTests
{
    [Fact]
    public void Defaults_are_utc_and_the_spec_lists()
    {
        var settings = ValidationSettings.Default;

        Assert.Equal(TimeZoneInfo.Utc, settings.UtilityTimeZone);
        Assert.Equal(
            ["CCF", "CF", "GAL", "KVAH", "KVARH", "KW", "KWH", "M3", "THERM", "WH"],
            settings.AllowedUnits.Order(StringComparer.Ordinal));
        Assert.Equal(["ELECTRIC", "GAS", "WATER"], settings.AllowedServiceTypes.Order(StringComparer.Ordinal));
        Assert.Equal(
            ["CONSUMED", "DELIVERED", "GENERATED", "NET_USAGE", "RECEIVED"],
            settings.AllowedIntervalIdentifiers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Default_lists_ignore_case()
    {
        Assert.Contains("kwh", ValidationSettings.Default.AllowedUnits);
    }

    [Theory]
    [InlineData("America/New_York")]
    [InlineData("Europe/Paris")]
    [InlineData("UTC")]
    public void A_known_iana_id_gives_that_zone(string id)
    {
        var settings = ValidationSettings.ForTimeZone(id);

        Assert.Equal(id, settings.UtilityTimeZone.Id);
        Assert.True(settings.AllowedUnits.SetEquals(ValidationSettings.Default.AllowedUnits));
    }

    [Fact]
    public void An_unknown_id_fails_with_a_message_saying_what_to_set()
    {
        var error = Assert.Throws<ArgumentException>(() => ValidationSettings.ForTimeZone("Mars/Olympus_Mons"));

        Assert.Contains("Unknown time zone 'Mars/Olympus_Mons'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Utility:TimeZone", error.Message, StringComparison.Ordinal);
        Assert.IsType<TimeZoneNotFoundException>(error.InnerException);
    }
}
