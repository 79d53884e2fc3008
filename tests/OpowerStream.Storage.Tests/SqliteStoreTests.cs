namespace OpowerStream.Storage.Tests;

public sealed class SqliteStoreTests : PipelineStoreTests
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "opowerstream-store-" + Guid.NewGuid().ToString("N"));

    protected override Task<StoreLocation> CreateLocationAsync() =>
        Task.FromResult(StoreLocation.Parse($"sqlite:{Path.Combine(directory, "nested", Guid.NewGuid().ToString("N") + ".db")}"));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Two_connections_writing_the_same_file_at_once_both_succeed()
    {
        await using var second = await PipelineStores.OpenAsync(Location, CancellationToken.None);
        var batches = Enumerable.Range(0, 20)
            .Select(i => Batch(Enumerable.Range(0, 500).Select(j => Interval($"SP{i:D2}-{j:D3}", j, line: j + 2)).ToList()))
            .ToList();

        await Task.WhenAll(
            Task.Run(async () =>
            {
                foreach (var batch in batches.Where((_, i) => i % 2 == 0))
                {
                    await Store.ApplyIntervalsAsync(batch, CancellationToken.None);
                }
            }),
            Task.Run(async () =>
            {
                foreach (var batch in batches.Where((_, i) => i % 2 == 1))
                {
                    await second.ApplyIntervalsAsync(batch, CancellationToken.None);
                }
            }));

        Assert.Equal(20 * 500, (await ReadIntervalsAsync()).Count);
    }
}
