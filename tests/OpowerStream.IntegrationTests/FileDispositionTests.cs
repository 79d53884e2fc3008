using System.IO.Compression;
using System.Text;
using OpowerStream.Domain;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>What the extractor does with whole files: each compression and delimiter applies, bad files are refused with a reason and nothing else is disturbed.</summary>
[Collection(PipelineCollection.Name)]
public sealed class FileDispositionTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Refused_files_get_their_reason_and_the_good_zip_csv_and_gzip_files_apply()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "dispositions");
        scenario.DropBytes(AccountFileName(20240101000000).Replace(".tsv", ".zip", StringComparison.Ordinal),
            Zip(("accounts.tsv", Accounts(("SA-ZIP", "Z1", "2024-01-01")))));
        scenario.Drop(AccountFileName(20240102000000).Replace(".tsv", ".csv", StringComparison.Ordinal),
            "Service_Agreement_ID,effective_datetime,SA_RATE_CODE\n\"SA-CSV\",2024-01-02,\"C,1\"\n");
        scenario.Drop(AccountFileName(20240103000000).Replace(".tsv", ".gz", StringComparison.Ordinal),
            Accounts(("SA-GZ", "G1", "2024-01-03")));
        scenario.Drop("customers_20240101.tsv", Accounts(("SA-X", "X", "2024-01-01")));
        scenario.Drop(AccountFileName(20240104000000), "service_agreement_id\teffective_datetime\nSA-NOCODE\t2024-01-04\n");
        scenario.Drop(AccountFileName(20240105000000), "service_agreement_id\tsa_rate_code\tSA_RATE_CODE\teffective_datetime\nSA-DUP\tA\tB\t2024-01-05\n");
        var twoEntries = AccountFileName(20240106000000).Replace(".tsv", ".zip", StringComparison.Ordinal);
        scenario.DropBytes(twoEntries, Zip(("a.tsv", Accounts(("SA-A", "A", "2024-01-06"))), ("b.tsv", Accounts(("SA-B", "B", "2024-01-06")))));
        var traversal = AccountFileName(20240107000000).Replace(".tsv", ".zip", StringComparison.Ordinal);
        scenario.DropBytes(traversal, Zip(("../x.tsv", Accounts(("SA-T", "T", "2024-01-07")))));

        var result = await scenario.RunOnceAsync(Entity.Rate);

        Assert.True(result.Succeeded);
        Assert.Equal(
            [
                "SA-CSV,\"C,1\",2024-01-02T00:00:00Z,,,",
                "SA-GZ,G1,2024-01-03T00:00:00Z,,,ACC-SA-GZ",
                "SA-ZIP,Z1,2024-01-01T00:00:00Z,,,ACC-SA-ZIP",
            ],
            Lines(await scenario.RatesAsync()));
        var refused = result.Files.Where(f => f.Status == FileStatus.Refused)
            .Select(f => $"{f.FileName}:{f.RefusalReason}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            [
                "customers_20240101.tsv:unrecognized_file_name",
                $"{AccountFileName(20240104000000)}:missing_column",
                $"{AccountFileName(20240105000000)}:duplicate_column",
                $"{twoEntries}:bad_archive",
                $"{traversal}:bad_archive",
            ],
            refused);
        var refusedFolder = Path.Combine(scenario.Inbox, "refused");
        Assert.StartsWith("missing_column\n", await File.ReadAllTextAsync(Path.Combine(refusedFolder, AccountFileName(20240104000000) + ".reason.txt")), StringComparison.Ordinal);
        Assert.Equal(5, Directory.GetFiles(refusedFolder, "*.reason.txt").Length);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(scenario.Inbox, "processed")).Length);
        Assert.Empty(Directory.GetFiles(scenario.Inbox));
        Assert.False(File.Exists(Path.Combine(scenario.Inbox, "..", "x.tsv")), "a zip entry name must never become a path");
        Assert.Contains($"file,customers_20240101.tsv,0,unrecognized_file_name,", await scenario.RejectsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zip_with_a_folder_a_truncated_gzip_and_a_tiny_archive_expanding_enormously_are_refused_and_the_file_beside_them_applies()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "archives");
        var folderZip = AccountFileName(20240101000000).Replace(".tsv", ".zip", StringComparison.Ordinal);
        scenario.DropBytes(folderZip, Zip(("rates/", ""), ("rates/a.tsv", Accounts(("SA-F", "F", "2024-01-01")))));
        var truncated = AccountFileName(20240102000000).Replace(".tsv", ".gz", StringComparison.Ordinal);
        var rows = Enumerable.Range(0, 5000).Select(i => ($"SA-T{i}", $"T{i * 7919 % 10007}", "2024-01-02")).ToArray();
        var packed = Gzip(Encoding.UTF8.GetBytes(Accounts(rows)), CompressionLevel.Optimal);
        scenario.DropBytes(truncated, packed[..(packed.Length / 2)]);
        var bomb = AccountFileName(20240103000000).Replace(".tsv", ".gz", StringComparison.Ordinal);
        var newlines = new byte[200 * 1024 * 1024];
        Array.Fill(newlines, (byte)'\n');
        var bombBytes = Gzip([.. Encoding.UTF8.GetBytes(AccountHeader + "\n"), .. newlines], CompressionLevel.SmallestSize);
        Assert.True(bombBytes.Length < 1024 * 1024, $"the bomb should be tiny, not {bombBytes.Length} bytes");
        scenario.DropBytes(bomb, bombBytes);
        var good = AccountFileName(20240104000000);
        scenario.Drop(good, Accounts(("SA-GOOD", "G", "2024-01-04")));

        var result = await scenario.RunOnceAsync(Entity.Rate);

        Assert.True(result.Succeeded);
        Assert.Equal(
            [$"{folderZip}:bad_archive", $"{truncated}:corrupt_compression", $"{bomb}:bad_archive", $"{good}:"],
            result.Files.Select(f => $"{f.FileName}:{f.RefusalReason}").ToArray());
        Assert.Contains("ratio", result.Files.Single(f => f.FileName == bomb).RefusalMessage, StringComparison.Ordinal);
        Assert.Contains("SA-GOOD,G,2024-01-04T00:00:00Z,,,ACC-SA-GOOD", Lines(await scenario.RatesAsync()));
        // Nothing of the refused archives was published: not even the rows before the truncated gzip's cut.
        Assert.Equal(["SA-GOOD"], Lines(await scenario.RatesAsync(), 1));
        Assert.Equal([good], Directory.GetFiles(Path.Combine(scenario.Inbox, "processed")).Select(path => Path.GetFileName(path)!).ToArray());
        foreach (var refused in (string[])[folderZip, truncated, bomb])
        {
            Assert.True(File.Exists(Path.Combine(scenario.Inbox, "refused", refused + ".reason.txt")), refused);
        }
    }

    private static byte[] Gzip(byte[] content, CompressionLevel level)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, level, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }

    private static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = archive.CreateEntry(name).Open();
                entry.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return buffer.ToArray();
    }
}
