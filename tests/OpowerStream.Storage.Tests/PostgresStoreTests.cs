using OpowerStream.Testing;

namespace OpowerStream.Storage.Tests;

public sealed class PostgresStoreTests(PostgresFixture postgres) : PipelineStoreTests, IClassFixture<PostgresFixture>
{
    protected override async Task<StoreLocation> CreateLocationAsync() =>
        new(StoreKind.Postgres, await postgres.CreateDatabaseAsync(nameof(PostgresStoreTests)));
}
