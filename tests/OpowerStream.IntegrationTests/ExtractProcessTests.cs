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

        await AssertEveryRowAppliedOnceAsync(scenario, name, rows, usageTotal);
        var ledger = await LedgerAsync(scenario, name);
        Assert.Equal((rows, (long)rows), (ledger.RowsPublished, ledger.RowsRead));
        Assert.True(File.Exists(scenario.ProcessedPath(name)));
    }

    [Fact]
    public async Task Two_extractors_on_one_inbox_and_one_PostgreSQL_store_publish_every_file_once_without_an_error()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Postgres, output, "two-extractors");
        var names = Enumerable.Range(1, 6).Select(i => AccountFileName(20260101000000 + i)).ToList();
        foreach (var (name, i) in names.Select((name, i) => (name, i)))
        {
            scenario.Drop(name, Accounts([.. Enumerable.Range(0, 50).Select(row => ($"HA{i}-{row}", "R1", "2026-01-01 00:00:00"))]));
        }

        using var first = StartExtract(scenario);
        using var second = StartExtract(scenario);
        var results = await Task.WhenAll(first.WaitForExitAsync(TimeSpan.FromSeconds(90)), second.WaitForExitAsync(TimeSpan.FromSeconds(90)));

        Assert.Equal([0, 0], results.Select(r => r.ExitCode));
        var summaries = string.Join('\n', results.Select(r => r.Stdout));
        Assert.All(names, name => Assert.Single(Regex.Matches(summaries, $"{Regex.Escape(name)}: published 50 rows")));
        Assert.All(results, r => Assert.Matches(@"duplicate, 0 failed\); rows published", r.Stdout));
        Assert.DoesNotContain(": failed:", summaries, StringComparison.Ordinal);
        Assert.Empty(results[0].Stderr + results[1].Stderr);
        Assert.All(names, name => Assert.True(File.Exists(scenario.ProcessedPath(name))));
        var ledger = await scenario.WithStoreAsync(store => store.GetFilesAsync(CancellationToken.None));
        Assert.Equal(names.Order(), ledger.Select(f => f.FileName).Order());
        Assert.All(ledger, f => Assert.Equal((FileStatus.Published, 50L), (f.Status, f.RowsRead)));
        // Each row went to Kafka once: no file was published by both.
        Assert.Equal(names.Count * 50, RowsOnTopic(scenario, Entity.Rate));
    }

    [Fact]
    public async Task A_standby_extractor_takes_over_within_seconds_when_the_active_one_is_killed_mid_file_and_every_row_is_applied_once()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Postgres, output, "standby");
        const int rows = 100_000;
        var name = IntervalFileName(60, 20240201000000);
        var usageTotal = WriteIntervalFile(Path.Combine(scenario.Inbox, name), rows);
        (string, string) lease = ("Extractor__LeaseDuration", "00:00:03");

        // The lag bound holds the active extractor mid-file (no consumer runs); the standby has none, so if it
        // extracted alongside, the topic would grow.
        using var active = StartExtract(scenario, ("Extractor__MaxConsumerLag", "10000"), lease);
        await WaitForRowsOnTopicAsync(scenario, atLeast: rows / 5, active);
        var published = await WaitUntilTopicStopsGrowingAsync(scenario);
        Assert.InRange(published, rows / 5, rows - 1);
        using var standby = StartExtract(scenario, lease, ("Logging__LogLevel__Default", "Information"));
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.False(standby.HasExited, $"the standby did not wait:\n{standby.Stdout}");
        Assert.Equal(published, RowsOnTopic(scenario, Entity.Interval));
        Assert.Contains("standing by: another extractor holds the inbox", standby.Stdout, StringComparison.Ordinal);

        active.Kill();
        var killedAt = DateTime.UtcNow;
        var result = await standby.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{name}: published {rows} rows", result.Stdout, StringComparison.Ordinal);
        var takeOver = Regex.Match(result.Stdout, @"holds the inbox .* \(lease of 3 s");
        Assert.True(takeOver.Success, result.Stdout);
        output.WriteLine($"the standby finished {(DateTime.UtcNow - killedAt).TotalSeconds:0.0} s after the kill");
        await AssertEveryRowAppliedOnceAsync(scenario, name, rows, usageTotal);
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
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var published = RowsOnTopic(scenario, Entity.Interval);
            if (published >= atLeast)
            {
                return published;
            }

            Assert.False(process.HasExited, $"extract exited before it was killed:\n{process.Stdout}\n{process.Stderr}");
            Assert.True(DateTime.UtcNow < deadline, "extract published nothing in time");
            await Task.Delay(10);
        }
    }

    /// <summary>The row count once it held for a second: the lag bound stopped the extractor.</summary>
    private async Task<long> WaitUntilTopicStopsGrowingAsync(PipelineScenario scenario)
    {
        var count = RowsOnTopic(scenario, Entity.Interval);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = RowsOnTopic(scenario, Entity.Interval);
            if (now == count)
            {
                return count;
            }

            Assert.True(DateTime.UtcNow < deadline, "the extractor never stopped at the lag bound");
            count = now;
        }
    }

    private long RowsOnTopic(PipelineScenario scenario, Entity entity)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "watermarks" }).Build();
        return Enumerable.Range(0, 3)
            .Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(scenario.Topics.Rows(entity), p), TimeSpan.FromSeconds(5)).High.Value);
    }

    private static Task<FileLedgerEntry> LedgerAsync(PipelineScenario scenario, string name) =>
        scenario.WithStoreAsync(async store => (await store.FindFilesAsync(name, "", CancellationToken.None)).Single());

    /// <summary>Runs the interval consumer until the file reconciles, then checks that every row of it was applied exactly once.</summary>
    private static async Task AssertEveryRowAppliedOnceAsync(PipelineScenario scenario, string name, int rows, decimal usageTotal)
    {
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
        var (count, sum) = await scenario.WithStoreAsync(async store =>
        {
            var (count, sum) = (0, 0m);
            await foreach (var read in store.ReadIntervalsAsync(CancellationToken.None))
            {
                (count, sum) = (count + 1, sum + read.UsageValue);
            }

            return (count, sum);
        });
        Assert.Equal((rows, usageTotal), (count, sum));
    }

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
