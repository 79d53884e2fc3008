using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpowerStream.Domain.Validation;
using OpowerStream.Hosting.Health;
using OpowerStream.Storage;

namespace OpowerStream.Hosting;

/// <summary>
/// Opens (and migrates) the store before any other service of the host starts, and closes it after
/// they all stopped; hosted services start in registration order and stop in reverse.
/// </summary>
public sealed class StoreHost(
    IOptions<StoreOptions> options, ValidationSettings utility, ServiceHealth health, ILogger<StoreHost> logger) : IHostedService, IAsyncDisposable
{
    private readonly HealthComponent readiness = health.Component("store");
    private IPipelineStore? store;

    public IPipelineStore Store =>
        store ?? throw new InvalidOperationException("The store is used before the host started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var location = options.Value.ToStoreLocation();
        store = await PipelineStores.OpenAsync(location, utility.UtilityTimeZone, cancellationToken).ConfigureAwait(false);
        Log.StoreOpened(logger, location.ToString());
        readiness.Ready(location.Kind.ToString());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (store is not null)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            store = null;
        }
    }
}
