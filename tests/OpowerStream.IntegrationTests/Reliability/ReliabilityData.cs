using OpowerStream.Cli.Soak;
using OpowerStream.Samples;

namespace OpowerStream.IntegrationTests.Reliability;

/// <summary>Generated files with a known truth for the fault tests, and the check of a store against that truth.</summary>
internal static class ReliabilityData
{
    /// <summary>Writes a generation straight into <paramref name="inbox"/> (without its manifest, which is no inbound file).</summary>
    public static GenerationResult Generate(string inbox, long seed, int servicePoints, int days, int intervalMinutes)
    {
        var generated = SampleGenerator.Generate(new GeneratorOptions
        {
            OutputDirectory = inbox,
            ServicePoints = servicePoints,
            Days = days,
            IntervalMinutes = intervalMinutes,
            Seed = seed,
            ErrorRate = 0.01,
        });
        File.Delete(generated.ManifestPath);
        return generated;
    }

    /// <summary>Every file reconciled with the generator's numbers and every stored row as the generator says.</summary>
    public static async Task AssertStoreMatchesAsync(PipelineScenario scenario, GenerationResult truth)
    {
        var problems = await scenario.WithStoreAsync(store => StoreTruthCheck.CompareAsync(store, truth, CancellationToken.None));
        Assert.True(problems.Count == 0, "The store differs from the generator's truth:\n" + string.Join('\n', problems));
    }

    /// <summary>Polls <paramref name="condition"/> every 20 ms until it holds; false when <paramref name="timeout"/> passed first.</summary>
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }

    /// <summary>Rows the consumers accounted for so far (applied or rejected), over every file in the ledger.</summary>
    public static Task<long> RowsAccountedAsync(PipelineScenario scenario) =>
        scenario.WithStoreAsync(async store => (await store.GetFilesAsync(CancellationToken.None)).Sum(f => f.RowsApplied + f.RowsRejected));
}
