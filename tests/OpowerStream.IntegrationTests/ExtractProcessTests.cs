using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using OpowerStream.Domain;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// <c>opower-stream extract</c> as its own process against the broker this test process hosts (so the
/// broker outlives the extractor): killed mid-file and restarted, and its peak memory.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ExtractProcessTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    private const string IntervalHeader = "service_point_id\tdate\ttime\tusage_value\tunits\tis_estimate\tUTC_offset\tservice_type\tservice_quantity_identifier";

    [Fact]
    public async Task Killed_in_the_middle_of_a_large_file_and_restarted_it_finishes_the_file_and_every_row_is_applied_exactly_once()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "killed");
        const int rows = 100_000;
        var name = IntervalFileName(60, 20240201000000);
        var usageTotal = WriteIntervalFile(Path.Combine(scenario.Inbox, name), rows);

        // No consumer runs yet, so a lag bound holds the first extract mid-file for certain, however
        // fast it publishes: it waits for consumers that never come until it is killed.
        using (var first = StartExtract(scenario, ("Extractor__MaxConsumerLag", "10000")))
        {
            var published = await WaitForRowsOnTopicAsync(scenario, atLeast: rows / 5, first);
            first.Kill();
            output.WriteLine($"killed after {published} of {rows} row events were on the topic");
            Assert.InRange(published, rows / 5, rows - 1);
        }

        var interrupted = await LedgerAsync(scenario, name);
        Assert.Equal(FileStatus.Processing, interrupted.Status);
        Assert.True(File.Exists(Path.Combine(scenario.Inbox, name)), "an unfinished file must stay in the inbox");

        using (var second = StartExtract(scenario))
        {
            var result = await second.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, result.ExitCode);
            Assert.Contains($"{name}: published {rows} rows", result.Stdout, StringComparison.Ordinal);
        }

        using var consumers = scenario.BuildHost([Entity.Interval], extractor: false);
        await consumers.StartAsync();
        try
        {
            await WaitUntilReconciledAsync(scenario, name);
        }
        finally
        {
            await consumers.StopAsync();
        }

        var file = Assert.Single(await scenario.WithStoreAsync(store => store.GetFilesAsync(CancellationToken.None)));
        Assert.Equal((FileStatus.Published, (long)rows, (long)rows, 0L), (file.Status, file.RowsRead, file.RowsApplied, file.RowsRejected));
        var ledger = await LedgerAsync(scenario, name);
        Assert.Equal((rows, (long)rows), (ledger.RowsPublished, ledger.RowsRead));
        var reads = await scenario.WithStoreAsync(async store =>
        {
            var list = new List<IntervalRead>();
            await foreach (var read in store.ReadIntervalsAsync(CancellationToken.None))
            {
                list.Add(read);
            }

            return list;
        });
        Assert.Equal(rows, reads.Count);
        Assert.Equal(usageTotal, reads.Sum(read => read.UsageValue));
        Assert.True(File.Exists(scenario.ProcessedPath(name)));
    }

    [Fact]
    public async Task Extracting_a_large_file_keeps_the_peak_memory_of_the_process_within_a_fixed_bound()
    {
        const long boundBytes = 300L * 1024 * 1024;
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "peakrss");
        const int rows = 300_000;
        var name = IntervalFileName(60, 20240301000000);
        WriteIntervalFile(Path.Combine(scenario.Inbox, name), rows);

        // Output redirected, as a service runs: structured log lines instead of progress bars.
        using var extract = StartExtract(scenario, ("Logging__LogLevel__Default", "Information"));
        var peak = 0L;
        while (!extract.HasExited)
        {
            peak = Math.Max(peak, PeakResidentBytes(extract.Id) ?? 0);
            await Task.Delay(20);
        }

        var result = await extract.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{name}: published {rows} rows", result.Stdout, StringComparison.Ordinal);
        Assert.Matches($@"File {Regex.Escape(name)} published: {rows} rows \(\d+ rows/s\), \d+ bytes in \d+ ms", result.Stdout);
        Assert.DoesNotContain("\u001b[", result.Stdout, StringComparison.Ordinal); // no terminal drawing when redirected
        output.WriteLine($"peak RSS (VmHWM) of extract over {new FileInfo(scenario.ProcessedPath(name)).Length} bytes: {peak / (1024 * 1024)} MB");
        Assert.InRange(peak, 1, boundBytes);
    }

    [Fact]
    public async Task Extract_refuses_to_start_without_a_broker_or_with_a_settle_time_out_of_range()
    {
        var inbox = Directory.CreateTempSubdirectory("opowerstream-extract-");
        try
        {
            var noBroker = await OpowerStreamProcess.RunAsync(output, inbox.FullName, ["extract", "--inbox", inbox.FullName, "--once"]);
            Assert.Equal(2, noBroker.ExitCode);
            Assert.Contains("extract: a broker is needed", noBroker.Stderr, StringComparison.Ordinal);

            var badMode = await OpowerStreamProcess.RunAsync(
                output, inbox.FullName,
                ["extract", "--inbox", inbox.FullName, "--store", $"sqlite:{Path.Combine(inbox.FullName, "s.db")}", "--bootstrap-servers", kafka.BootstrapServers, "--once"],
                ("Extractor__StableFor", "02:00:00"));
            Assert.Equal(2, badMode.ExitCode);
            Assert.Contains("Extractor:StableFor must be between", badMode.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            inbox.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task On_a_terminal_extract_draws_a_progress_bar_per_file_that_ends_as_its_summary_line()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "terminal");
        var name = IntervalFileName(60, 20240401000000);
        WriteIntervalFile(Path.Combine(scenario.Inbox, name), 12_000);
        var extract = string.Join(' ', new[]
        {
            "dotnet", Path.Combine(AppContext.BaseDirectory, "opower-stream.dll"), "extract", "--inbox", scenario.Inbox,
            "--store", scenario.StoreLocation, "--bootstrap-servers", kafka.BootstrapServers, "--once",
        }.Select(argument => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var start = new System.Diagnostics.ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-qec", extract, "/dev/null"])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Kafka__TopicPrefix"] = scenario.Topics.Prefix;
        start.Environment["Extractor__StableFor"] = "00:00:00";
        start.Environment["TERM"] = "xterm-256color";
        start.Environment["COLUMNS"] = "200";

        // script(1) gives the child a pseudo-terminal: the same process as above, but interactive.
        using var script = System.Diagnostics.Process.Start(start)!;
        var stdout = script.StandardOutput.ReadToEndAsync();
        try
        {
            await script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!script.HasExited)
            {
                script.Kill(entireProcessTree: true);
            }
        }

        var screen = await stdout;
        output.WriteLine(screen);
        Assert.Equal(0, script.ExitCode);
        Assert.Contains("\u001b[", screen, StringComparison.Ordinal); // drawn with terminal control sequences
        Assert.Contains($"{name}  published 12,000 rows", screen, StringComparison.Ordinal);
        Assert.Contains($"{name}: published 12000 rows", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("FileExtractor", screen, StringComparison.Ordinal); // its information logs would tear the bars
    }

    /// <summary>The kernel's high-water mark of the process's resident memory, while it runs.</summary>
    private static long? PeakResidentBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null; // exited between the check and the read
        }
    }

    private OpowerStreamProcess StartExtract(PipelineScenario scenario, params (string Name, string Value)[] environment) =>
        OpowerStreamProcess.Start(
            output,
            scenario.Inbox,
            ["extract", "--inbox", scenario.Inbox, "--store", scenario.StoreLocation, "--bootstrap-servers", kafka.BootstrapServers, "--once"],
            [("Kafka__TopicPrefix", scenario.Topics.Prefix), ("Kafka__Partitions", "3"), ("Extractor__StableFor", "00:00:00"), .. environment]);

    /// <summary>Writes an hourly interval file of distinct keys and returns the sum of its usage values.</summary>
    private static decimal WriteIntervalFile(string path, int rows)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16);
        writer.Write(IntervalHeader);
        writer.Write('\n');
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        decimal total = 0;
        for (var i = 0; i < rows; i++)
        {
            var end = start.AddHours(i / 500 + 1);
            var usage = (i % 997) / 1000m;
            total += usage;
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"SP{i % 500:D6}\t{end:yyyyMMdd}\t{end:HHmm}\t{usage:0.000}\tKWH\tA\t+0000\tELECTRIC\tCONSUMED\n"));
        }

        return total;
    }

    private async Task<long> WaitForRowsOnTopicAsync(PipelineScenario scenario, long atLeast, OpowerStreamProcess process)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "watermarks" }).Build();
        var topic = scenario.Topics.Rows(Entity.Interval);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var published = Enumerable.Range(0, 3)
                .Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5)).High.Value);
            if (published >= atLeast)
            {
                return published;
            }

            Assert.False(process.HasExited, $"extract exited before it was killed:\n{process.Stdout}\n{process.Stderr}");
            Assert.True(DateTime.UtcNow < deadline, "extract published nothing in time");
            await Task.Delay(10);
        }
    }

    private static Task<FileLedgerEntry> LedgerAsync(PipelineScenario scenario, string name) =>
        scenario.WithStoreAsync(async store => (await store.FindFilesAsync(name, "", CancellationToken.None)).Single());

    private static async Task WaitUntilReconciledAsync(PipelineScenario scenario, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var file = (await scenario.WithStoreAsync(store => store.GetFilesAsync(CancellationToken.None))).Single(f => f.FileName == name);
            if (file.Reconciles)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not reconciled: read {file.RowsRead}, applied {file.RowsApplied}, rejected {file.RowsRejected}");
            await Task.Delay(200);
        }
    }
}
