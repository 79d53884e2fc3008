using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpowerStream.Consumers;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Kafka;
using OpowerStream.Samples;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Soak;

/// <summary>
/// A bounded soak: a 3-broker mock cluster hosted here, the extractor and the three consumers as two
/// hosts, generated files dropped into the inbox one by one over the whole duration, and meanwhile, at
/// seeded random moments, a broker down and up again, partition leadership moved, Produce/Fetch/
/// OffsetCommit requests failed, or the consumers restarted. When the time is up the faults stop, the
/// pipeline catches up, and the store is compared with the generator's own truth.
/// </summary>
public sealed class SoakRun(SoakOptions options, TextWriter progress, Action<ILoggingBuilder>? logging = null)
{
    private const int Brokers = 3;
    private const int Partitions = 3;
    private static readonly ErrorCode[] RetriableErrors =
        [ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.LeaderNotAvailable, ErrorCode.NotEnoughReplicas];
    private static readonly ErrorCode[] CommitErrors =
        [ErrorCode.RequestTimedOut, ErrorCode.NotCoordinatorForGroup, ErrorCode.GroupLoadInProgress];

    private readonly Random random = new(options.Seed);
    private readonly List<string> faults = [];
    private int consumerRestarts;

    public async Task<SoakReport> RunAsync(CancellationToken ct)
    {
        var inbox = Directory.CreateDirectory(Path.Combine(options.WorkDirectory, "inbox")).FullName;
        var store = options.StoreLocation ?? $"sqlite:{Path.Combine(options.WorkDirectory, "soak.db")}";
        var truth = Generate();
        var pending = new Queue<GeneratedFile>(truth.Files.OrderBy(f => random.Next()));
        Say($"generated {truth.Files.Count} files, {truth.Files.Sum(f => f.Rows)} rows; store {StoreLocation.Parse(store)}");

        using var cluster = MockKafkaCluster.Start(Brokers);
        var topics = new TopicNames("soak");
        foreach (var topic in topics.All)
        {
            cluster.CreateTopic(topic, Partitions, replicationFactor: Brokers);
        }

        var settings = Settings(cluster.BootstrapServers, inbox, store, topics);
        using var extractor = Build(settings, b => b.Services.AddExtractor(b.Configuration));
        await extractor.StartAsync(ct).ConfigureAwait(false);
        var consumers = await StartConsumersAsync(settings, ct).ConfigureAwait(false);
        var problems = new List<string>();
        try
        {
            await InjectFaultsAsync(cluster, topics, pending, inbox, settings, () => consumers, c => consumers = c, ct).ConfigureAwait(false);
            while (pending.Count > 0)
            {
                Drop(pending.Dequeue(), inbox);
            }

            Say("faults stop; waiting for the pipeline to account for every row");
            if (!await CaughtUpAsync(store, truth, extractor, consumers, ct).ConfigureAwait(false))
            {
                problems.Add($"the pipeline did not account for every row within {options.CatchUpTimeout.TotalSeconds:0} s after the faults stopped");
            }
        }
        finally
        {
            await consumers.StopAsync(CancellationToken.None).ConfigureAwait(false);
            consumers.Dispose();
            await extractor.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var opened = await PipelineStores.OpenAsync(StoreLocation.Parse(store), ct).ConfigureAwait(false);
        await using (opened.ConfigureAwait(false))
        {
            problems.AddRange(await StoreTruthCheck.CompareAsync(opened, truth, ct).ConfigureAwait(false));
        }

        var report = new SoakReport(truth.Files.Count, truth.Files.Sum(f => f.Rows), faults, consumerRestarts, problems);
        Say(report.Passed
            ? $"passed: {report.FilesDropped} files, {report.Rows} rows, {faults.Count} faults, {consumerRestarts} consumer restarts; the store matches the generator's truth"
            : $"FAILED: {string.Join("; ", problems)}");
        return report;
    }

    /// <summary>One month of files (interval, service quantity, account) per ten seconds of soak, at least two months.</summary>
    private GenerationResult Generate()
    {
        var months = Math.Max(2, (int)Math.Ceiling(options.Duration.TotalSeconds / 10));
        var generated = SampleGenerator.Generate(new GeneratorOptions
        {
            OutputDirectory = Path.Combine(options.WorkDirectory, "generated"),
            ServicePoints = options.ServicePoints,
            Days = months * 30,
            IntervalMinutes = 60,
            Seed = options.Seed,
            ErrorRate = 0.01,
            FirstDay = new DateOnly(2024, 1, 1),
        });
        return generated;
    }

    private async Task InjectFaultsAsync(MockKafkaCluster cluster, TopicNames topics, Queue<GeneratedFile> pending, string inbox,
        Dictionary<string, string?> settings, Func<IHost> consumers, Action<IHost> replaceConsumers, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var dropEvery = options.Duration * 0.8 / Math.Max(1, pending.Count);
        var nextDrop = TimeSpan.Zero;
        while (clock.Elapsed < options.Duration)
        {
            while (pending.Count > 0 && clock.Elapsed >= nextDrop)
            {
                Drop(pending.Dequeue(), inbox);
                nextDrop += dropEvery;
            }

            switch (random.Next(4))
            {
                case 0:
                    var broker = random.Next(1, Brokers + 1);
                    var down = TimeSpan.FromMilliseconds(random.Next(300, 2_000));
                    Fault($"broker {broker} down for {down.TotalMilliseconds:0} ms");
                    cluster.SetBrokerDown(broker);
                    try
                    {
                        await Task.Delay(down, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        cluster.SetBrokerUp(broker);
                    }

                    break;
                case 1:
                    var leader = random.Next(1, Brokers + 1);
                    var partition = random.Next(Partitions);
                    Fault($"partition {partition} of every topic led by broker {leader}");
                    foreach (var topic in topics.All)
                    {
                        cluster.SetPartitionLeader(topic, partition, leader);
                    }

                    break;
                case 2:
                    var (apiKey, request, errors) = random.Next(3) switch
                    {
                        0 => (KafkaApiKey.Produce, "Produce", RetriableErrors),
                        1 => (KafkaApiKey.Fetch, "Fetch", RetriableErrors),
                        _ => (KafkaApiKey.OffsetCommit, "OffsetCommit", CommitErrors),
                    };
                    var injected = Enumerable.Range(0, random.Next(1, 4)).Select(_ => errors[random.Next(errors.Length)]).ToArray();
                    Fault($"requests {request} fail with {string.Join(", ", injected)}");
                    cluster.PushRequestErrors(apiKey, injected);
                    break;
                default:
                    Fault("consumers restarted");
                    var old = consumers();
                    await old.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    old.Dispose();
                    replaceConsumers(await StartConsumersAsync(settings, ct).ConfigureAwait(false));
                    consumerRestarts++;
                    break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 1_500)), ct).ConfigureAwait(false);
        }
    }

    private async Task<bool> CaughtUpAsync(string store, GenerationResult truth, IHost extractor, IHost consumers, CancellationToken ct)
    {
        var names = truth.Files.Select(f => Path.GetFileName(f.Path)).ToHashSet(StringComparer.Ordinal);
        var deadline = Stopwatch.StartNew();
        var opened = await PipelineStores.OpenAsync(StoreLocation.Parse(store), ct).ConfigureAwait(false);
        await using (opened.ConfigureAwait(false))
        {
            while (deadline.Elapsed < options.CatchUpTimeout)
            {
                var files = (await opened.GetFilesAsync(ct).ConfigureAwait(false)).Where(f => names.Contains(f.FileName)).ToList();
                if (files.Count == names.Count && files.All(f => f.Reconciles && f.Status == FileStatus.Published))
                {
                    return true;
                }

                if (Stopped(extractor) || Stopped(consumers))
                {
                    return false;
                }

                await Task.Delay(200, ct).ConfigureAwait(false);
            }
        }

        return false;
    }

    private static bool Stopped(IHost host) =>
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;

    private async Task<IHost> StartConsumersAsync(Dictionary<string, string?> settings, CancellationToken ct)
    {
        var host = Build(settings, b =>
        {
            foreach (var entity in Enum.GetValues<Entity>())
            {
                b.Services.AddEntityConsumer(b.Configuration, entity);
            }
        });
        await host.StartAsync(ct).ConfigureAwait(false);
        return host;
    }

    private IHost Build(Dictionary<string, string?> settings, Action<HostApplicationBuilder> services)
    {
        var builder = CliConfiguration.CreateHostBuilder(settings);
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);

        services(builder);
        return builder.Build();
    }

    /// <summary>Short sessions, polls and backoffs, so faults and restarts cost seconds, not minutes.</summary>
    private static Dictionary<string, string?> Settings(string bootstrapServers, string inbox, string store, TopicNames topics) => new(StringComparer.Ordinal)
    {
        ["Kafka:BootstrapServers"] = bootstrapServers,
        ["Kafka:TopicPrefix"] = topics.Prefix,
        ["Kafka:Partitions"] = Partitions.ToString(CultureInfo.InvariantCulture),
        ["Kafka:ReplicationFactor"] = Brokers.ToString(CultureInfo.InvariantCulture),
        ["Kafka:Client:reconnect.backoff.max.ms"] = "500",
        ["Kafka:Consumer:session.timeout.ms"] = "3000",
        ["Kafka:Consumer:heartbeat.interval.ms"] = "500",
        ["Kafka:Consumer:auto.commit.interval.ms"] = "200",
        ["Consumers:GroupPrefix"] = "soak",
        ["Consumers:MaxBatchSize"] = "1000",
        ["Consumers:MaxBatchWait"] = "00:00:00.100",
        ["Consumers:MaxRetryDelay"] = "00:00:02",
        ["Store:Location"] = store,
        ["Extractor:Inbox"] = inbox,
        ["Extractor:PollInterval"] = "00:00:00.200",
        // Faults make the services log a lot; the soak's own lines say what happens.
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Moves a generated file into the inbox in one rename, as a finished upload arrives.</summary>
    private void Drop(GeneratedFile file, string inbox)
    {
        File.Move(file.Path, Path.Combine(inbox, Path.GetFileName(file.Path)));
        Say($"dropped {Path.GetFileName(file.Path)} ({file.Rows} rows)");
    }

    private void Fault(string what)
    {
        faults.Add(what);
        Say(what);
    }

    private void Say(string line) => progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak {DateTime.UtcNow:HH:mm:ss.fff} {line}"));
}
