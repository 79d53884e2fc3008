using OpowerStream.Domain;
using OpowerStream.Samples;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// What the operator-command tests (status, replay, redrive) share: scenarios whose consumers use a short
/// session timeout (the mock broker holds a group's rebalance for the session timeout after a member
/// leaves), and the <c>opower-stream</c> executable run against the scenario's topics, groups and store.
/// </summary>
internal static class OperatorScenario
{
    /// <summary>A scenario that already ran a small generated day of all three entities, some rows bad, through the pipeline.</summary>
    public static async Task<(PipelineScenario Scenario, Cli.RunOnceResult Result)> RunGeneratedAsync(
        KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output, string name)
    {
        var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, name);
        var generated = SampleGenerator.Generate(new GeneratorOptions
        {
            OutputDirectory = scenario.Inbox,
            ServicePoints = 12,
            Days = 5,
            IntervalMinutes = 60,
            Seed = 5,
            ErrorRate = 0.05,
        });
        File.Delete(generated.ManifestPath);
        var result = await scenario.RunOnceAsync();
        Assert.True(result.Succeeded);
        Assert.Equal(3, result.Files.Count);
        Assert.All(result.Files, f => Assert.True(f.RowsRejected > 0, $"{f.FileName} needs bad rows"));
        return (scenario, result);
    }

    /// <summary>Runs <c>opower-stream ARGUMENTS --bootstrap-servers B</c> with the scenario's topic prefix and groups.</summary>
    public static Task<OpowerStreamProcess.Result> RunCliAsync(
        PipelineScenario scenario, KafkaFixture kafka, ITestOutputHelper output, params string[] arguments) =>
        OpowerStreamProcess.RunAsync(
            output,
            Path.GetTempPath(),
            [.. arguments, "--bootstrap-servers", kafka.BootstrapServers],
            ("Kafka__TopicPrefix", scenario.Topics.Prefix),
            ("Kafka__Consumer__session.timeout.ms", PipelineScenario.SessionTimeoutMs),
            ("Consumers__GroupPrefix", scenario.GroupPrefix));

    /// <summary>Runs the named consumers (no extractor) until their groups committed the end of every partition, then stops them.</summary>
    public static async Task ConsumeAsync(PipelineScenario scenario, params Entity[] entities)
    {
        using var host = scenario.BuildHost(entities, extractor: false);
        await host.StartAsync();
        try
        {
            await scenario.WaitUntilConsumedAsync(host, entities);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>Every export, for comparing whole states.</summary>
    public static async Task<string[]> ExportAllAsync(PipelineScenario scenario) =>
    [
        await scenario.RatesAsync(),
        await scenario.IntervalsAsync(),
        await scenario.ServiceQuantitiesAsync(),
        await scenario.RejectsAsync(),
        await scenario.ExportAsync(Cli.Commands.CsvExports.FilesAsync),
    ];
}
