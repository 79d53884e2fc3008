using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpowerStream.Domain.Files;
using OpowerStream.Hosting;
using OpowerStream.Hosting.Health;

namespace OpowerStream.Extractor;

/// <summary>
/// Watches the inbox and publishes the complete files waiting there in the order they must apply
/// (timestamp in the name, then name). File-system notifications wake it as soon as something
/// changes; a scan every <see cref="ExtractorOptions.PollInterval"/> is the safety net for lost
/// notifications (network shares, overflows). A file that fails for a transient reason (broker
/// unavailable) stays in the inbox and is tried again on the next scan; re-published rows are
/// harmless because every write is sequence-guarded. Extractors sharing an inbox and a store take turns through an
/// <see cref="InboxLease"/>: one works the inbox, the others stand by.
/// </summary>
public sealed class ExtractorService(
    Inbox inbox,
    FileExtractor extractor,
    ExtractionRun run,
    StoreHost storeHost,
    IOptions<ExtractorOptions> options,
    TimeProvider time,
    ServiceHealth health,
    PipelineMetrics metrics,
    ILogger<ExtractorService> logger) : BackgroundService
{
    /// <summary>The extractor's part in the health endpoints; the file loop beats it too, so a long file never looks stalled.</summary>
    public const string HealthComponentName = "extractor";

    private static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(10);
    private readonly SemaphoreSlim wake = new(0, 1);
    private readonly HealthComponent status = health.Component(HealthComponentName);

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => WatchAsync(stoppingToken), stoppingToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var completeness = new CompletenessCheck(settings, time);
        var handled = new HashSet<string>(StringComparer.Ordinal);
        InboxLease? lease = null;
        try
        {
            lease = await InboxLease.AcquireAsync(storeHost.Store, settings.Inbox, settings.LeaseDuration, time, logger,
                () => status.Ready($"standing by: another extractor holds {settings.Inbox}"), stoppingToken).ConfigureAwait(false);
            // Losing the lease stops the work at once: the extractor that took over owns the inbox's files now.
            using var work = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
            var ct = work.Token;
            Log.ExtractorWatching(logger, Path.GetFullPath(settings.Inbox));
            using var watcher = settings.Once ? null : Watch(settings.Inbox);
            status.Ready($"watching {settings.Inbox}");
            while (!ct.IsCancellationRequested)
            {
                status.Beat();
                // In --once mode a file is handled once, even when it failed and stays in the inbox.
                var candidates = inbox.ReadyFiles().Where(f => !handled.Contains(f.Name)).ToList();
                var (complete, nextCheck) = completeness.Check(candidates);
                var failed = false;
                var waiting = candidates.Count;
                foreach (var file in InApplyOrder(complete))
                {
                    metrics.InboxFiles(--waiting, inProgress: 1);
                    var outcome = await ExtractOrKeepAsync(file, ct).ConfigureAwait(false);
                    run.Record(outcome);
                    if (outcome.Kind == FileOutcomeKind.Failed)
                    {
                        failed = true;
                        waiting++; // it stays in the inbox for the next scan
                    }

                    if (settings.Once)
                    {
                        handled.Add(file.Name);
                    }
                }

                metrics.InboxFiles(waiting, inProgress: 0);
                if (settings.Once && complete.Count == 0 && nextCheck is null)
                {
                    status.Finished("every file present was handled (--once)");
                    run.Complete();
                    return;
                }

                // Files just handled left the inbox: look again at once, unless one failed and stays.
                if (complete.Count == 0 || failed)
                {
                    await WaitAsync(settings.PollInterval, nextCheck, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            status.Stopped("stopping");
            run.Complete();
        }
        catch (OperationCanceledException e) when (lease is { Lost.IsCancellationRequested: true })
        {
            var lost = new InvalidOperationException(
                $"Another extractor took over the inbox {settings.Inbox}: this one's lease expired while it was not renewed.", e);
            status.Stopped(lost.Message);
            run.Fail(lost);
            throw lost;
        }
        catch (Exception e)
        {
            status.Stopped(e.Message);
            run.Fail(e);
            throw;
        }
        finally
        {
            if (lease is not null)
            {
                await lease.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits for a notification, the moment a waiting file may be complete, or the next scan.</summary>
    private async Task WaitAsync(TimeSpan pollInterval, DateTimeOffset? nextCheck, CancellationToken ct)
    {
        var wait = pollInterval;
        if (nextCheck is { } at && at - time.GetUtcNow() < wait)
        {
            wait = at - time.GetUtcNow();
        }

        await wake.WaitAsync(wait < ShortestWait ? ShortestWait : wait, ct).ConfigureAwait(false);
    }

    private FileSystemWatcher? Watch(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return null; // the scan reports the missing inbox
        }

        var watcher = new FileSystemWatcher(folder)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.LastWrite,
            IncludeSubdirectories = false,
        };
        watcher.Created += (_, _) => Wake();
        watcher.Changed += (_, _) => Wake();
        watcher.Renamed += (_, _) => Wake();
        watcher.Error += (_, _) => Wake();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private void Wake()
    {
        try
        {
            if (wake.CurrentCount == 0)
            {
                wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another notification woke the loop first: one wake-up is enough.
        }
        catch (ObjectDisposedException)
        {
            // A notification racing the shutdown.
        }
    }

    private async Task<FileOutcome> ExtractOrKeepAsync(FileInfo file, CancellationToken ct)
    {
        try
        {
            return await extractor.ExtractAsync(file, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.FileFailed(logger, file.Name, e);
            return new FileOutcome(file.Name, FileOutcomeKind.Failed, 0, e.Message);
        }
    }

    /// <summary>Unrecognized names first (they are only refused), then by name timestamp and name.</summary>
    private static IEnumerable<FileInfo> InApplyOrder(IEnumerable<FileInfo> files) =>
        files
            .Select(f => (File: f, Name: InboundFileNames.TryParse(f.Name, out var name) ? name : null))
            .OrderBy(f => f.Name is not null)
            .ThenBy(f => f.Name)
            .Select(f => f.File);
}
