using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpowerStream.Domain.Files;
using OpowerStream.Hosting;

namespace OpowerStream.Extractor;

/// <summary>
/// Watches the inbox and publishes the files waiting there in the order they must apply (timestamp
/// in the name, then name). A file that fails for a transient reason (broker unavailable) stays in
/// the inbox and is tried again on the next scan; re-published rows are harmless because every
/// write is sequence-guarded.
/// </summary>
public sealed class ExtractorService(
    Inbox inbox,
    FileExtractor extractor,
    ExtractionRun run,
    IOptions<ExtractorOptions> options,
    ILogger<ExtractorService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => WatchAsync(stoppingToken), stoppingToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task WatchAsync(CancellationToken ct)
    {
        Log.ExtractorWatching(logger, Path.GetFullPath(options.Value.Inbox));
        try
        {
            while (!ct.IsCancellationRequested)
            {
                foreach (var file in InApplyOrder(inbox.ReadyFiles()))
                {
                    run.Record(await ExtractOrKeepAsync(file, ct).ConfigureAwait(false));
                }

                if (options.Value.Once)
                {
                    run.Complete();
                    return;
                }

                await Task.Delay(options.Value.PollInterval, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            run.Complete();
        }
        catch (Exception e)
        {
            run.Fail(e);
            throw;
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
