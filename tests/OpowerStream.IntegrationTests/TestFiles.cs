using System.Globalization;
using System.Text;
using OpowerStream.Testing;

namespace OpowerStream.IntegrationTests;

/// <summary>Builders for small inbound files, and readers for the CSV exports, used by the end-to-end tests.</summary>
internal static class TestFiles
{
    public const string AccountHeader = "account_id\tservice_agreement_id\tsa_rate_code\teffective_datetime\tservice_agreement_rate_updated_at";

    public static string AccountFileName(long timestamp) =>
        string.Create(CultureInfo.InvariantCulture, $"opwr_gec_v2-0-9_billing_account_{timestamp}.tsv");

    public static string IntervalFileName(int minutes, long timestamp, string extension = "tsv") =>
        string.Create(CultureInfo.InvariantCulture, $"opwr_gec_res_v2-0-5_interval{minutes}_{timestamp}.{extension}");

    public static string ServiceQuantityFileName(long timestamp) =>
        string.Create(CultureInfo.InvariantCulture, $"opwr_gec_v2-0-3_billing_servicequantity_{timestamp}.tsv");

    /// <summary>An account file with rows of (agreement, rate code, effective datetime).</summary>
    public static string Accounts(params (string Agreement, string Code, string Effective)[] rows)
    {
        var text = new StringBuilder(AccountHeader).Append('\n');
        foreach (var (agreement, code, effective) in rows)
        {
            text.Append("ACC-").Append(agreement).Append('\t').Append(agreement).Append('\t').Append(code).Append('\t')
                .Append(effective).Append('\t').Append('\n');
        }

        return text.ToString();
    }

    public static string[] WorkedExampleFiles() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "samples", "worked-example"), "*.tsv").Order(StringComparer.Ordinal).ToArray();

    /// <summary>The data lines of a CSV export (header dropped), each cut to its first <paramref name="columns"/> fields.</summary>
    public static string[] Lines(string csv, int columns = int.MaxValue) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Select(line => string.Join(',', line.TrimEnd('\r').Split(',').Take(columns)))
            .ToArray();
}

/// <summary>An inbound file built line by line, able to hold bytes that are not UTF-8.</summary>
internal sealed class LinesFile
{
    private readonly MemoryStream content = new();

    public LinesFile(string header) => Line(header);

    public void Line(string text) => Bytes(Encoding.UTF8.GetBytes(text + "\n"));

    public void Bytes(ReadOnlySpan<byte> raw) => content.Write(raw);

    public byte[] ToArray() => content.ToArray();
}
