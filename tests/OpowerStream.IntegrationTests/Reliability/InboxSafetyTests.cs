using System.IO.Compression;
using System.Text;
using OpowerStream.Kafka;
using OpowerStream.Storage;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests.Reliability;

/// <summary>
/// What lands in the inbox never reaches outside it: symbolic links (to a file or to a folder) are not
/// followed, archive entry names are never used as paths, archive bombs are refused. The zip bomb is
/// also in the hostile corpus (<see cref="HostileFileTests"/>); the reader's own guards are unit-tested in
/// <c>InboundFileReaderArchiveTests</c> (gzip ratio guard, size limit, entries that are folders or paths).
/// </summary>
public sealed class InboxSafetyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Links_out_of_the_inbox_are_not_followed_and_archive_names_and_bombs_do_no_harm()
    {
        using var cluster = MockKafkaCluster.Start();
        await using var scenario = PipelineScenario.OnPrivateCluster(cluster, storeLocation: null, output, "inbox-safety");
        var outside = Directory.CreateTempSubdirectory("opowerstream-outside-");
        try
        {
            var outsideFile = Path.Combine(outside.FullName, AccountFileName(20200102000001));
            File.WriteAllText(outsideFile, Accounts(("OUTSIDE-1", "R1", "2020-01-01")));
            var outsideFolder = Directory.CreateDirectory(Path.Combine(outside.FullName, "folder"));
            File.WriteAllText(Path.Combine(outsideFolder.FullName, AccountFileName(20200102000002)), Accounts(("OUTSIDE-2", "R1", "2020-01-01")));

            File.CreateSymbolicLink(Path.Combine(scenario.Inbox, AccountFileName(20200102000001)), outsideFile);
            Directory.CreateSymbolicLink(Path.Combine(scenario.Inbox, AccountFileName(20200102000003)), outsideFolder.FullName);
            Directory.CreateSymbolicLink(Path.Combine(scenario.Inbox, "linked-folder"), outsideFolder.FullName);
            scenario.Drop(AccountFileName(20200102000004), Accounts(("INSIDE-1", "R1", "2020-01-01")));

            // Entry names that would write outside if they were used as paths.
            var escapeName = $"opowerstream-escape-{Guid.NewGuid():N}.tsv";
            var zips = new[] { $"/tmp/{escapeName}", $"../../{escapeName}", $"..\\{escapeName}" };
            for (var i = 0; i < zips.Length; i++)
            {
                WriteZip(Path.Combine(scenario.Inbox, AccountFileName(20200102000010 + i).Replace(".tsv", ".zip", StringComparison.Ordinal)),
                    zips[i], Encoding.UTF8.GetBytes(Accounts(("ESCAPE-1", "R1", "2020-01-01"))));
            }

            var gzipBomb = AccountFileName(20200102000020).Replace(".tsv", ".gz", StringComparison.Ordinal);
            WriteGzipOfNewlines(Path.Combine(scenario.Inbox, gzipBomb), 64);

            var result = await scenario.RunOnceAsync();

            Assert.True(result.Succeeded);
            var ledger = await scenario.WithStoreAsync(store => store.GetFilesAsync(CancellationToken.None));
            var published = Assert.Single(ledger, f => f.Status == FileStatus.Published);
            Assert.Equal((AccountFileName(20200102000004), 1L, 1L), (published.FileName, published.RowsRead, published.RowsApplied));
            Assert.Equal(
                [.. Enumerable.Range(0, zips.Length).Select(i => "bad_archive"), "bad_archive"],
                ledger.Where(f => f.Status == FileStatus.Refused).OrderBy(f => f.FileName, StringComparer.Ordinal).Select(f => f.RefusalReason));
            Assert.Equal(["INSIDE-1,R1,2020-01-01T00:00:00Z"], Lines(await scenario.RatesAsync(), 3));

            // The links were neither read nor moved, and what they point to is untouched.
            Assert.True(new FileInfo(Path.Combine(scenario.Inbox, AccountFileName(20200102000001))).LinkTarget is not null);
            Assert.Equal(Accounts(("OUTSIDE-1", "R1", "2020-01-01")), File.ReadAllText(outsideFile));
            Assert.Single(outsideFolder.GetFiles());
            Assert.Empty(outsideFolder.GetDirectories());

            // No entry name became a path anywhere.
            Assert.False(File.Exists(Path.Combine("/tmp", escapeName)));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(scenario.Inbox)!, escapeName, SearchOption.AllDirectories));
            Assert.Empty(Directory.GetFiles(outside.FullName, escapeName, SearchOption.AllDirectories));
        }
        finally
        {
            outside.Delete(recursive: true);
        }
    }

    private static void WriteZip(string path, string entryName, byte[] content)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using var entry = zip.CreateEntry(entryName).Open();
        entry.Write(content);
    }

    /// <summary>A header and <paramref name="mebibytes"/> MiB of newlines, gzip'd: it expands about a thousand times.</summary>
    private static void WriteGzipOfNewlines(string path, int mebibytes)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        gzip.Write(Encoding.ASCII.GetBytes(AccountHeader + "\n"));
        var newlines = new byte[1024 * 1024];
        Array.Fill(newlines, (byte)'\n');
        for (var i = 0; i < mebibytes; i++)
        {
            gzip.Write(newlines);
        }
    }
}
