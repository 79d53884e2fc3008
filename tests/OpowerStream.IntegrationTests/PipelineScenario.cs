using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpowerStream.Cli;
using OpowerStream.Cli.Commands;
using OpowerStream.Consumers;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Kafka;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// One test's isolated world: its own topics on the shared broker, its own consumer groups, inbox
/// and store (a SQLite file or a fresh PostgreSQL database). Runs the same host the
/// <c>opower-stream run --once</c> command runs.
/// </summary>
public sealed class PipelineScenario : IAsyncDisposable
{
    /// <summary>The consumers' session timeout in tests, also for child processes.</summary>
    public const string SessionTimeoutMs = "6000";

    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);
    private readonly string bootstrapServers;
    private readonly ITestOutputHelper output;
    private readonly string workDirectory;
    private int groupGeneration;

    private PipelineScenario(string bootstrapServers, TopicNames topics, ITestOutputHelper output, string name, string storeLocation, string workDirectory)
    {
        this.bootstrapServers = bootstrapServers;
        this.output = output;
        this.workDirectory = workDirectory;
        Topics = topics;
        GroupPrefix = KafkaFixture.UniqueGroup(name);
        StoreLocation = storeLocation;
        Inbox = Directory.CreateDirectory(Path.Combine(workDirectory, "inbox")).FullName;
    }

    public TopicNames Topics { get; }

    public string GroupPrefix { get; private set; }

    public string StoreLocation { get; }

    public string Inbox { get; }

    /// <summary>Extra configuration, e.g. <c>Utility:TimeZone</c>; overrides the scenario's defaults.</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    public static async Task<PipelineScenario> CreateAsync(
        KafkaFixture kafka, PostgresFixture postgres, StoreKind store, ITestOutputHelper output, string name)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        var work = Directory.CreateTempSubdirectory("opowerstream-it-").FullName;
        var location = store == StoreKind.Sqlite
            ? $"sqlite:{Path.Combine(work, "store.db")}"
            : $"postgres:{await postgres.CreateDatabaseAsync(name)}";
        return new PipelineScenario(kafka.BootstrapServers, kafka.CreateTopics(name, partitions: 3), output, name, location, work);
    }

    /// <summary>The same broker and topics with a new, empty store and inbox: to rebuild state by replaying the topics.</summary>
    public async Task<PipelineScenario> WithFreshStoreAsync(PostgresFixture postgres, StoreKind store, string name)
    {
        ArgumentNullException.ThrowIfNull(postgres);
        var work = Directory.CreateTempSubdirectory("opowerstream-it-").FullName;
        var location = store == StoreKind.Sqlite
            ? $"sqlite:{Path.Combine(work, "store.db")}"
            : $"postgres:{await postgres.CreateDatabaseAsync(name)}";
        return new PipelineScenario(bootstrapServers, Topics, output, name, location, work);
    }

    /// <summary>
    /// A scenario on a broker of the test's own (fault-injection tests must not disturb the shared one),
    /// with the product topics created there, and the given store (null: a SQLite file of its own).
    /// </summary>
    public static PipelineScenario OnPrivateCluster(
        MockKafkaCluster cluster, string? storeLocation, ITestOutputHelper output, string name, int replicationFactor = 1)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var work = Directory.CreateTempSubdirectory("opowerstream-it-").FullName;
        var topics = new TopicNames($"t-{name}");
        foreach (var topic in topics.All)
        {
            cluster.CreateTopic(topic, partitions: 3, replicationFactor);
        }

        return new PipelineScenario(cluster.BootstrapServers, topics, output, name,
            storeLocation ?? $"sqlite:{Path.Combine(work, "store.db")}", work);
    }

    /// <summary>Writes a file into the inbox: gzip'd when the name ends in .gz, else plain UTF-8.</summary>
    public void Drop(string fileName, string content)
    {
        var path = Path.Combine(Inbox, fileName);
        if (fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            using var file = File.Create(path);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(Encoding.UTF8.GetBytes(content));
        }
        else
        {
            File.WriteAllText(path, content);
        }
    }

    public void DropBytes(string fileName, byte[] content) => File.WriteAllBytes(Path.Combine(Inbox, fileName), content);

    public void DropCopy(string sourcePath) => File.Copy(sourcePath, Path.Combine(Inbox, Path.GetFileName(sourcePath)));

    /// <summary>The processed folder's files, to drop them again (a re-sent file).</summary>
    public string ProcessedPath(string fileName) => Path.Combine(Inbox, "processed", fileName);

    /// <summary>Runs once; with no consumers named, the whole pipeline exactly as <c>run</c> composes it.</summary>
    public Task<RunOnceResult> RunOnceAsync(params Entity[] consumers) =>
        RunOnceAsync(consumers.Length == 0 ? null : consumers, log: null);

    public async Task<RunOnceResult> RunOnceAsync(IEnumerable<Entity>? consumers, ILoggerProvider? log)
    {
        using var host = BuildHost(consumers, extractor: true, log);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var result = await PipelineHost.RunOnceAsync(host, IdleTimeout, timeout.Token);
        foreach (var file in result.Files)
        {
            output.WriteLine($"{file.FileName}: {file.Status} read {file.RowsRead} applied {file.RowsApplied} rejected {file.RowsRejected} {file.RefusalReason}");
        }

        return result;
    }

    /// <summary>
    /// Hosts built from now on consume in new consumer groups, which start at the beginning of every topic: a replay,
    /// which applies nothing twice. A run that follows another in the same group waits ~5 s for its partitions, as the
    /// mock broker holds a group's rebalance for the session timeout (less a second) after its last member left.
    /// </summary>
    public void StartNewGroups() => GroupPrefix = KafkaFixture.UniqueGroup($"generation{++groupGeneration}");

    /// <summary>
    /// Replays every topic from the beginning with fresh consumer groups (what an operator's replay
    /// to earliest does) and waits until the new groups committed the end of every partition.
    /// </summary>
    public async Task ReplayAllAsync()
    {
        StartNewGroups();
        using var host = BuildHost(Enum.GetValues<Entity>(), extractor: false);
        await host.StartAsync();
        try
        {
            await WaitUntilConsumedAsync(host, Enum.GetValues<Entity>());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>
    /// Builds a host: the whole pipeline as <c>run</c> composes it when <paramref name="consumers"/> is
    /// null, else only those consumers (and optionally no extractor), for scale-out tests.
    /// </summary>
    public IHost BuildHost(IEnumerable<Entity>? consumers, bool extractor, ILoggerProvider? extraLogger = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Kafka:TopicPrefix"] = Topics.Prefix,
            ["Kafka:Partitions"] = "3",
            ["Kafka:Consumer:auto.commit.interval.ms"] = "100",
            // The mock broker holds a group's rebalance for the session timeout (less a second) after a
            // member leaves or joins a running group; the default 45 s would dominate every test.
            ["Kafka:Consumer:session.timeout.ms"] = PipelineScenario.SessionTimeoutMs,
            ["Consumers:GroupPrefix"] = GroupPrefix,
            ["Consumers:MaxBatchWait"] = "00:00:00.050",
            ["Store:Location"] = StoreLocation,
            ["Extractor:Inbox"] = Inbox,
            ["Extractor:Once"] = "true",
            ["Logging:LogLevel:Default"] = "Information",

            // Tests drop whole files at once: take them without waiting for them to settle.
            ["Extractor:StableFor"] = "00:00:00",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        var builder = CliConfiguration.CreateHostBuilder(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new XunitLoggerProvider(output));
        if (extraLogger is not null)
        {
            builder.Logging.AddProvider(extraLogger);
        }

        if (consumers is null && extractor)
        {
            return builder.AddPipeline().Build();
        }

        if (extractor)
        {
            builder.Services.AddExtractor(builder.Configuration);
        }

        foreach (var entity in consumers ?? Enum.GetValues<Entity>())
        {
            builder.Services.AddEntityConsumer(builder.Configuration, entity);
        }

        return builder.Build();
    }

    public async Task WaitUntilConsumedAsync(IHost host, IEnumerable<Entity> entities)
    {
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        foreach (var entity in entities)
        {
            while (true)
            {
                var lag = ConsumerLag.Get(bootstrapServers, $"{GroupPrefix}-{entity.Name()}", [Topics.Rows(entity)], null, TimeSpan.FromSeconds(10));
                if (lag.All(p => p.HighWatermark == 0 || p.CommittedOffset >= p.HighWatermark))
                {
                    break;
                }

                Assert.False(stopping.IsCancellationRequested, "A service stopped during the replay; see the log.");
                Assert.True(DateTime.UtcNow < deadline, $"Replay of {entity.Name()} did not finish: {string.Join(", ", lag)}");
                await Task.Delay(100);
            }
        }
    }

    public Task<string> ExportAsync(Func<IPipelineStore, TextWriter, CancellationToken, Task> export) => WithStoreAsync(async store =>
    {
        using var writer = new StringWriter();
        await export(store, writer, CancellationToken.None);
        return writer.ToString();
    });

    public async Task<T> WithStoreAsync<T>(Func<IPipelineStore, Task<T>> read)
    {
        var store = await PipelineStores.OpenAsync(Storage.StoreLocation.Parse(StoreLocation), CancellationToken.None);
        await using (store)
        {
            return await read(store);
        }
    }

    public Task<string> RatesAsync() => ExportAsync(CsvExports.RatesAsync);

    public Task<string> RejectsAsync() => ExportAsync(CsvExports.RejectsAsync);

    public Task<string> IntervalsAsync() => ExportAsync(CsvExports.IntervalsAsync);

    public Task<string> ServiceQuantitiesAsync() => ExportAsync(CsvExports.ServiceQuantitiesAsync);

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the test's result is what matters.
        }

        return ValueTask.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<KafkaFixture>, ICollectionFixture<PostgresFixture>
{
    public const string Name = "pipeline";
}
