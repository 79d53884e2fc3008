using OpowerStream.Domain;
using OpowerStream.Samples;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>Generated files with a known truth flow end to end; the store must match the generator's own numbers.</summary>
[Collection(PipelineCollection.Name)]
public sealed class GeneratedHistoryTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task A_thirteen_month_history_for_hundreds_of_service_points_applies_every_good_row(StoreKind store)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, "history");
        var generated = SampleGenerator.Generate(new GeneratorOptions
        {
            OutputDirectory = scenario.Inbox,
            ServicePoints = 300,
            Days = 396,
            IntervalMinutes = 1440,
            Seed = 13,
            ErrorRate = 0.01,
        });
        File.Delete(generated.ManifestPath);

        var result = await scenario.RunOnceAsync();

        Assert.True(result.Succeeded);
        Assert.Equal(generated.Files.Count, result.Files.Count);
        foreach (var entity in Enum.GetValues<Entity>())
        {
            var files = result.Files.Where(f => f.Entity == entity.Name()).ToList();
            Assert.Equal(generated.TotalsFor(entity).Rows, files.Sum(f => f.RowsRead));
            Assert.Equal(generated.ExpectedApplied(entity), files.Sum(f => f.RowsApplied));
            Assert.Equal(generated.TotalsFor(entity).BadRows, files.Sum(f => f.RowsRejected));
        }

        Assert.Equal(generated.ExpectedStored(Entity.Interval), Lines(await scenario.IntervalsAsync()).Length);
        Assert.Equal(generated.ExpectedStored(Entity.ServiceQuantity), Lines(await scenario.ServiceQuantitiesAsync()).Length);
        var expectedRates = generated.RateHistory
            .Select(v => $"{v.ServiceAgreementId},{v.RateCode},{v.EffectiveUtc:yyyy-MM-dd'T'HH:mm:ss'Z'}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(expectedRates, Lines(await scenario.RatesAsync(), 3).Order(StringComparer.Ordinal));
        var usage = await scenario.WithStoreAsync(async s => await s.ReadIntervalsAsync(CancellationToken.None).Select(r => r.UsageValue).SumAsync());
        Assert.Equal(generated.TotalsFor(Entity.Interval).ValueSum, usage);
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task The_shipped_mixed_samples_give_all_three_exports(StoreKind store)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, "mixed");
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "samples", "mixed"), "opwr_*"))
        {
            scenario.DropCopy(file);
        }

        var result = await scenario.RunOnceAsync();

        Assert.True(result.Succeeded);
        Assert.Equal(3, result.Files.Count);
        // samples/mixed/README.md: 192 interval reads of which one is negative CONSUMED usage, 5 service quantities, 2 agreements.
        Assert.Equal(191, Lines(await scenario.IntervalsAsync()).Length);
        Assert.Equal(5, Lines(await scenario.ServiceQuantitiesAsync()).Length);
        Assert.Equal(2, Lines(await scenario.RatesAsync()).Length);
        var reject = Assert.Single(Lines(await scenario.RejectsAsync(), 5));
        Assert.EndsWith(",negative_usage,usage_value", reject, StringComparison.Ordinal);
    }
}
