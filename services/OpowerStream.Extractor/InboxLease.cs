using Microsoft.Extensions.Logging;
using OpowerStream.Hosting;
using OpowerStream.Storage;

namespace OpowerStream.Extractor;

/// <summary>
/// One extractor at a time works an inbox: it holds a lease row in the store (owner, expiry) and renews it every third
/// of <see cref="ExtractorOptions.LeaseDuration"/>. Other extractors on the same inbox and store wait as standbys and
/// take over once the holder releases it (clean stop) or its lease expires (killed). Two extractors moving the same
/// files failed each other's files (FileNotFoundException); a file the holder left half-published is finished by the
/// next holder, as by a restart. Expiry is judged by the hosts' clocks, so they must agree (NTP) to well under the lease.
/// </summary>
public sealed class InboxLease : IAsyncDisposable
{
    private readonly IPipelineStore store;
    private readonly string name;
    private readonly string inbox;
    private readonly TimeSpan duration;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stop = new();
    private readonly CancellationTokenSource lost = new();
    private Task renewing = Task.CompletedTask;

    private InboxLease(IPipelineStore store, string inbox, TimeSpan duration, TimeProvider time, ILogger logger)
    {
        this.store = store;
        this.inbox = inbox;
        this.duration = duration;
        this.time = time;
        this.logger = logger;
        name = $"extractor:{inbox}";
    }

    /// <summary>This process's name in the lease row: host, pid and a random part (a pid is reused after a restart).</summary>
    public string Owner { get; } = $"{Environment.MachineName} pid {Environment.ProcessId} {Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Cancelled when another extractor took the lease over (this one was paused past its expiry).</summary>
    public CancellationToken Lost => lost.Token;

    private TimeSpan RenewEvery => duration / 3;

    /// <summary>Waits as a standby until this process holds the inbox's lease (<paramref name="standingBy"/> is called once if it must wait).</summary>
    public static async Task<InboxLease> AcquireAsync(
        IPipelineStore store, string inbox, TimeSpan duration, TimeProvider time, ILogger logger, Action standingBy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(standingBy);
        var lease = new InboxLease(store, Path.GetFullPath(inbox), duration, time, logger);
        var waited = false;
        while (!await lease.TryTakeAsync(ct).ConfigureAwait(false))
        {
            if (!waited)
            {
                Log.ExtractorStandby(logger, lease.Owner, lease.inbox);
                standingBy();
                waited = true;
            }

            await Task.Delay(lease.RenewEvery, time, ct).ConfigureAwait(false);
        }

        Log.ExtractorLeaseAcquired(logger, lease.Owner, lease.inbox, duration.TotalSeconds, lease.RenewEvery.TotalSeconds);
        lease.renewing = lease.RenewAsync();
        return lease;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!lost.IsCancellationRequested)
        {
            try
            {
                // A standby takes over at once instead of waiting for the expiry.
                await store.ReleaseLeaseAsync(name, Owner, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.ExtractorLeaseRenewalFailed(logger, Owner, inbox, e);
            }
        }

        stop.Dispose();
        lost.Dispose();
    }

    private Task<bool> TryTakeAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return store.TryAcquireLeaseAsync(name, Owner, now, now + duration, ct);
    }

    /// <summary>Renews until stopped; a store that cannot be reached is retried until the lease would have expired.</summary>
    private async Task RenewAsync()
    {
        var heldUntil = time.GetUtcNow() + duration;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(RenewEvery, time, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                var attemptAt = time.GetUtcNow();
                if (!await TryTakeAsync(stop.Token).ConfigureAwait(false))
                {
                    break;
                }

                heldUntil = attemptAt + duration;
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                Log.ExtractorLeaseRenewalFailed(logger, Owner, inbox, e);
                if (time.GetUtcNow() < heldUntil)
                {
                    continue;
                }

                break;
            }
        }

        if (!stop.IsCancellationRequested)
        {
            Log.ExtractorLeaseLost(logger, Owner, inbox);
            await lost.CancelAsync().ConfigureAwait(false);
        }
    }
}
