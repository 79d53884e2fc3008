using System.IO.Compression;
using System.Text;
using OpowerStream.Domain.Files;

namespace OpowerStream.Domain.Tests.Files;

/// <summary>Builds inbound files in memory for the reader tests.</summary>
internal static class InboundFiles
{
    public const string RateTsv = "opwr_gec_v2-0-9_billing_account_20261120060000.tsv";
    public const string RateCsv = "opwr_gec_v2-0-9_billing_account_20261120060000.csv";
    public const string RateGzip = "opwr_gec_v2-0-9_billing_account_20261120060000.gz";
    public const string RateZip = "opwr_gec_v2-0-9_billing_account_20261120060000.zip";
    public const string IntervalTsv = "opwr_gec_res_v2-0-5_interval15_20261120060000.tsv";

    public const string RateHeader = "service_agreement_id\tsa_rate_code\teffective_datetime";

    public static InboundFileName Name(string fileName)
    {
        Assert.True(InboundFileNames.TryParse(fileName, out var name), fileName);
        return name;
    }

    public static InboundFileReader Open(string fileName, byte[] content, InboundFileReaderLimits? limits = null) =>
        InboundFileReader.Open(new MemoryStream(content), Name(fileName), limits);

    public static InboundFileReader Open(string fileName, string text) => Open(fileName, Utf8(text));

    public static List<RawRow> ReadAll(string fileName, string text) => ReadAll(fileName, Utf8(text));

    public static List<RawRow> ReadAll(string fileName, byte[] content, InboundFileReaderLimits? limits = null)
    {
        using var reader = Open(fileName, content, limits);
        return reader.ReadRows().ToList();
    }

    public static FileRefusedException Refusal(string fileName, byte[] content, InboundFileReaderLimits? limits = null) =>
        Assert.Throws<FileRefusedException>(() => ReadAll(fileName, content, limits));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Gzip(byte[] content)
    {
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return packed.ToArray();
    }

    public static byte[] Zip(params (string Entry, byte[] Content)[] entries)
    {
        using var packed = new MemoryStream();
        using (var archive = new ZipArchive(packed, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (entryName, content) in entries)
            {
                using var entry = archive.CreateEntry(entryName).Open();
                entry.Write(content);
            }
        }

        return packed.ToArray();
    }

    /// <summary>The rate layout's values as (service_agreement_id, sa_rate_code, effective_datetime).</summary>
    public static (string?, string?, string?) RateValues(RawRow row) => (row.Values[0], row.Values[1], row.Values[2]);
}
