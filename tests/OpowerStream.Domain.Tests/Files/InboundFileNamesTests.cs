using OpowerStream.Domain.Files;

namespace OpowerStream.Domain.Tests.Files;

public sealed class InboundFileNamesTests
{
    [Fact]
    public void The_spec_example_is_a_15_minute_interval_file_in_gzip()
    {
        Assert.True(InboundFileNames.TryParse("opwr_gec_res_v2-0-5_interval15_20261120060000.gz", out var name));

        Assert.Equal(
            new InboundFileName(
                "opwr_gec_res_v2-0-5_interval15_20261120060000.gz", "gec", Entity.Interval, 20261120060000, 15, Compression.Gzip),
            name);
    }

    [Theory]
    [InlineData("opwr_gec_v2-0-5_interval5_20261120060000.tsv", 5)]
    [InlineData("opwr_gec_v2-0-5_interval15_20261120060000.tsv", 15)]
    [InlineData("opwr_gec_v2-0-5_interval30_20261120060000.tsv", 30)]
    [InlineData("opwr_gec_v2-0-5_interval60_20261120060000.tsv", 60)]
    [InlineData("opwr_gec_v2-0-5_interval1440_20261120060000.tsv", 1440)]
    public void Interval_files_carry_their_interval_length(string fileName, int minutes)
    {
        Assert.True(InboundFileNames.TryParse(fileName, out var name));
        Assert.Equal(Entity.Interval, name.Entity);
        Assert.Equal(minutes, name.IntervalMinutes);
    }

    [Theory]
    [InlineData("opwr_gec_v2-0-5_interval10_20261120060000.tsv")]
    [InlineData("opwr_gec_v2-0-5_interval0_20261120060000.tsv")]
    [InlineData("opwr_gec_v2-0-5_interval015_20261120060000.tsv")]
    [InlineData("opwr_gec_v2-0-5_interval_20261120060000.tsv")]
    public void Other_interval_lengths_are_not_recognized(string fileName) =>
        Assert.False(InboundFileNames.TryParse(fileName, out _));

    [Theory]
    [InlineData("opwr_gec_res_v2-0-5_interval15_20261120060000.gz")]
    [InlineData("opwr_gec_nonres_v2-0-5_interval15_20261120060000.gz")]
    [InlineData("opwr_gec_nonres-smb_v2-0-5_interval15_20261120060000.gz")]
    [InlineData("opwr_gec_nonres-lci_v2-0-5_interval15_20261120060000.gz")]
    [InlineData("opwr_gec_v2-0-5_interval15_20261120060000.gz")]
    public void The_population_token_is_optional(string fileName)
    {
        Assert.True(InboundFileNames.TryParse(fileName, out var name));
        Assert.Equal(Entity.Interval, name.Entity);
    }

    [Theory]
    [InlineData("opwr_gec_commercial_v2-0-5_interval15_20261120060000.gz")]
    [InlineData("opwr_gec_res_v2-0-3_billing_servicequantity_20261120060000.gz")]
    public void Unknown_populations_and_populations_on_billing_files_are_not_recognized(string fileName) =>
        Assert.False(InboundFileNames.TryParse(fileName, out _));

    [Theory]
    [InlineData("opwr_gec_v2-0-3_billing_servicequantity_20261120060000.gz")]
    [InlineData("opwr_gec_v2-0-3_billing_service_quantity_20261120060000.gz")]
    public void Both_service_quantity_spellings_are_service_quantity_files(string fileName)
    {
        Assert.True(InboundFileNames.TryParse(fileName, out var name));
        Assert.Equal(Entity.ServiceQuantity, name.Entity);
        Assert.Null(name.IntervalMinutes);
    }

    [Fact]
    public void The_main_account_file_carries_rates()
    {
        Assert.True(InboundFileNames.TryParse("opwr_gec_v2-0-9_billing_account_20261120060000.tsv", out var name));
        Assert.Equal(Entity.Rate, name.Entity);
        Assert.Equal(Compression.None, name.Compression);
    }

    [Theory]
    [InlineData("opwr_gec_v2-0-9_billing_account_address_20261120060000.tsv")]
    [InlineData("opwr_gec_v2-0-9_billing_account_sa_sp_20261120060000.tsv")]
    [InlineData("opwr_gec_v2-0-9_billing_meter_20261120060000.tsv")]
    public void Other_billing_extracts_are_not_recognized(string fileName) =>
        Assert.False(InboundFileNames.TryParse(fileName, out _));

    [Theory]
    [InlineData("gz", Compression.Gzip)]
    [InlineData("GZ", Compression.Gzip)]
    [InlineData("zip", Compression.Zip)]
    [InlineData("Zip", Compression.Zip)]
    [InlineData("tsv", Compression.None)]
    [InlineData("csv", Compression.None)]
    [InlineData("TXT", Compression.None)]
    public void The_extension_decides_the_compression(string extension, Compression compression)
    {
        Assert.True(InboundFileNames.TryParse($"opwr_gec_v2-0-9_billing_account_20261120060000.{extension}", out var name));
        Assert.Equal(compression, name.Compression);
    }

    [Theory]
    [InlineData("opwr_gec_v2-0-9_billing_account_20261120060000.xlsx")]
    [InlineData("opwr_gec_v2-0-9_billing_account_20261120060000.tsv.gz")]
    [InlineData("opwr_gec_v2-0-9_billing_account_20261120060000")]
    [InlineData("opwr_gec_v2-0-9_billing_account_20261120060000.gz.tmp")]
    public void Other_extensions_are_not_recognized(string fileName) =>
        Assert.False(InboundFileNames.TryParse(fileName, out _));

    [Theory]
    [InlineData("20261320060000")]
    [InlineData("20260230060000")]
    [InlineData("20261120250000")]
    [InlineData("20261120066000")]
    [InlineData("2026112006000")]
    [InlineData("202611200600000")]
    public void The_timestamp_must_be_a_real_date_and_time(string timestamp) =>
        Assert.False(InboundFileNames.TryParse($"opwr_gec_v2-0-9_billing_account_{timestamp}.tsv", out _));

    [Theory]
    [InlineData("ge", false)]
    [InlineData("gec", true)]
    [InlineData("gec1", true)]
    [InlineData("gecco", false)]
    public void The_utility_code_has_three_or_four_characters(string utility, bool recognized)
    {
        Assert.Equal(recognized, InboundFileNames.TryParse($"opwr_{utility}_v2-0-9_billing_account_20261120060000.tsv", out var name));
        Assert.Equal(recognized ? utility : null, name?.Utility);
    }

    [Theory]
    [InlineData("opwr_gec_billing_account_20261120060000.tsv")]
    [InlineData("opwr_gec_v2.0.9_billing_account_20261120060000.tsv")]
    [InlineData("opwr_gec_v2_billing_account_20261120060000.tsv")]
    [InlineData("gec_v2-0-9_billing_account_20261120060000.tsv")]
    [InlineData("inbox/opwr_gec_v2-0-9_billing_account_20261120060000.tsv")]
    [InlineData("")]
    public void Names_without_the_prefix_or_the_hyphenated_version_or_with_a_folder_are_not_recognized(string fileName) =>
        Assert.False(InboundFileNames.TryParse(fileName, out _));

    [Fact]
    public void Files_order_by_timestamp_then_by_name()
    {
        var names = new[]
        {
            "opwr_gec_v2-0-9_billing_account_20261121000000.tsv",
            "opwr_gec_v2-0-5_interval15_20261120060000.gz",
            "opwr_abc_v2-0-9_billing_account_20261120060000.tsv",
            "opwr_gec_v2-0-3_billing_servicequantity_20251231235959.zip",
        }.Select(InboundFiles.Name).ToList();

        names.Sort();

        Assert.Equal(
            [
                "opwr_gec_v2-0-3_billing_servicequantity_20251231235959.zip",
                "opwr_abc_v2-0-9_billing_account_20261120060000.tsv",
                "opwr_gec_v2-0-5_interval15_20261120060000.gz",
                "opwr_gec_v2-0-9_billing_account_20261121000000.tsv",
            ],
            names.Select(name => name.FileName));
        Assert.True(names[0] < names[1]);
        Assert.True(names[3] >= names[2]);
    }
}
