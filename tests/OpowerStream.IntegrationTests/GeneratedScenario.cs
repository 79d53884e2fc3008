using OpowerStream.Samples;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests;

/// <summary>A scenario that already ran a small generated day of all three entities, some rows bad, through the pipeline.</summary>
internal static class GeneratedScenario
{
    public static async Task<(PipelineScenario Scenario, Cli.RunOnceResult Result)> RunAsync(
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
}
