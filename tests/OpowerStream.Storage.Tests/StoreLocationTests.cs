namespace OpowerStream.Storage.Tests;

public sealed class StoreLocationTests
{
    [Theory]
    [InlineData("sqlite:data/opowerstream.db", StoreKind.Sqlite, "data/opowerstream.db")]
    [InlineData("SQLite:/tmp/a.db", StoreKind.Sqlite, "/tmp/a.db")]
    [InlineData("postgres:Host=db;Database=opowerstream", StoreKind.Postgres, "Host=db;Database=opowerstream")]
    public void Parse_reads_the_kind_and_target(string spec, StoreKind kind, string target) =>
        Assert.Equal(new StoreLocation(kind, target), StoreLocation.Parse(spec));

    [Theory]
    [InlineData("mysql:Password=secret")]
    [InlineData("data/opowerstream.db")]
    [InlineData("sqlite:")]
    [InlineData("postgres:NoSuchKeyword=secret")]
    public void Parse_refuses_anything_else_without_echoing_it(string spec)
    {
        var error = Assert.Throws<FormatException>(() => StoreLocation.Parse(spec));
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public void ToString_never_shows_the_password()
    {
        var location = StoreLocation.Parse("postgres:Host=db;Username=app;Password=secret;Database=opowerstream");

        var text = location.ToString();

        Assert.StartsWith("postgres:", text);
        Assert.Contains("Username=app", text);
        Assert.DoesNotContain("secret", text);
    }
}
