using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using OpowerStream.Kafka;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests.Reliability;

/// <summary>
/// The hostile and broken files of <c>tests/OpowerStream.IntegrationTests/HostileFiles/</c>, one file per
/// case, all dropped into one inbox and run through the real pipeline host: each must get the outcome
/// its line in <c>manifest.json</c> documents (the file refused with a reason, or its rows counted, the
/// rejected ones with rule and field, and what was stored), with no failed file, no stalled consumer,
/// no hang and bounded memory. Two cases are made at test time instead of committed: a single line of
/// 10 MB and a zip bomb.
/// </summary>
public sealed class HostileFileTests(ITestOutputHelper output)
{
    private static readonly string CorpusFolder = Path.Combine(RepositoryRoot.Path, "tests", "OpowerStream.IntegrationTests", "HostileFiles");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Every_file_of_the_hostile_corpus_gets_its_documented_outcome()
    {
        var cases = JsonSerializer.Deserialize<List<HostileCase>>(File.ReadAllText(Path.Combine(CorpusFolder, "manifest.json")), Json)!;
        using var cluster = MockKafkaCluster.Start();
        await using var scenario = PipelineScenario.OnPrivateCluster(cluster, storeLocation: null, output, "hostile");
        foreach (var hostile in cases)
        {
            var target = Path.Combine(scenario.Inbox, hostile.File);
            switch (hostile.Generated)
            {
                case null:
                    File.Copy(Path.Combine(CorpusFolder, hostile.File), target);
                    break;
                case "ten-megabyte-line":
                    WriteTenMegabyteLine(target);
                    break;
                case "zip-bomb":
                    WriteZipBomb(target);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown generated case '{hostile.Generated}'.");
            }
        }

        Assert.Equal(cases.Count(c => c.Generated is null), Directory.GetFiles(CorpusFolder, "opwr_*").Length);
        using var process = Process.GetCurrentProcess();
        var result = await scenario.RunOnceAsync();
        process.Refresh();
        output.WriteLine($"peak working set of the test process: {process.PeakWorkingSet64 / (1024 * 1024)} MiB");

        Assert.True(result.Succeeded, "A file failed or the consumers stalled; see the log.");
        Assert.Equal(cases.Count, result.Outcomes.Count);
        Assert.True(process.PeakWorkingSet64 < 2L * 1024 * 1024 * 1024, "Memory was not bounded.");
        var ledger = await scenario.WithStoreAsync(store => store.GetFilesAsync(CancellationToken.None));
        var rejects = await scenario.WithStoreAsync(async store => await store.ReadRejectsAsync(CancellationToken.None).ToListAsync());
        var rates = await scenario.WithStoreAsync(async store => await store.ReadRatePeriodsAsync(CancellationToken.None)
            .Select(p => $"{p.ServiceAgreementId}|{p.Version.RateCode}|{p.Version.EffectiveUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}")
            .ToListAsync());
        var failures = new List<string>();
        foreach (var hostile in cases)
        {
            var line = Assert.Single(ledger, f => f.FileName == hostile.File);
            var actual = Describe(line, rejects.Where(r => r.Lineage.SourceFile == hostile.File), rates, hostile.RatesFor);
            var expected = Describe(hostile);
            output.WriteLine($"{hostile.File} ({hostile.Case}):\n  expected {expected}\n  actual   {actual}");
            if (actual != expected)
            {
                failures.Add($"{hostile.File} ({hostile.Case}): expected {expected}, got {actual}");
            }

            if (hostile.Refused is not null)
            {
                Assert.StartsWith(hostile.Refused, File.ReadAllText(Path.Combine(scenario.Inbox, "refused", hostile.File + ".reason.txt")), StringComparison.Ordinal);
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static string Describe(HostileCase hostile) => hostile.Refused is not null
        ? $"refused {hostile.Refused}"
        : $"read {hostile.Read} applied {hostile.Applied} rejects [{string.Join(", ", hostile.Rejects.Order(StringComparer.Ordinal))}] rates [{string.Join(", ", hostile.Rates.Order(StringComparer.Ordinal))}]";

    private static string Describe(FileReconciliation line, IEnumerable<RejectRecord> rejects, List<string> rates, string? ratePrefix) => line.Status == FileStatus.Refused
        ? $"refused {line.RefusalReason}"
        : $"read {line.RowsRead} applied {line.RowsApplied} rejects [{string.Join(", ", rejects.Select(r => $"{r.Lineage.Line}|{r.Rule}|{r.Field}").Order(StringComparer.Ordinal))}] " +
          $"rates [{string.Join(", ", rates.Where(r => ratePrefix is not null && r.StartsWith(ratePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))}]";

    /// <summary>An account file whose second row carries a 10 MB rate code on one line, then a good row.</summary>
    private static void WriteTenMegabyteLine(string path)
    {
        using var file = File.Create(path);
        file.Write(Encoding.ASCII.GetBytes(TestFiles.AccountHeader + "\nACC-18\tHF18-A\t"));
        var chunk = Encoding.ASCII.GetBytes(new string('R', 1024 * 1024));
        for (var i = 0; i < 10; i++)
        {
            file.Write(chunk);
        }

        file.Write(Encoding.ASCII.GetBytes("\t2020-01-01\t\nACC-18\tHF18-B\tR1\t2020-01-01\t\n"));
    }

    /// <summary>A zip whose one entry is a header and 64 MiB of newlines: it expands about a thousand times.</summary>
    private static void WriteZipBomb(string path)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using var entry = zip.CreateEntry("accounts.tsv", CompressionLevel.SmallestSize).Open();
        entry.Write(Encoding.ASCII.GetBytes(TestFiles.AccountHeader + "\n"));
        var newlines = new byte[1024 * 1024];
        Array.Fill(newlines, (byte)'\n');
        for (var i = 0; i < 64; i++)
        {
            entry.Write(newlines);
        }
    }

    private sealed record HostileCase(
        string File, string Case, string? Generated, string? Refused, long Read, long Applied, string[] Rejects, string[] Rates, string? RatesFor);
}
