using System.Diagnostics;
using OpowerStream.Extractor;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary>The consumers did not finish: a service stopped, or no row was applied for too long.</summary>
public sealed class PipelineStalledException(string message) : Exception(message);

/// <summary>
/// Waits until every file this run published is reconciled in the store (rows read = rows applied
/// or superseded + rows rejected), which is the moment every row is accounted for.
/// </summary>
public sealed class ReconciliationWaiter(IFileLedgerStore store, TimeSpan idleTimeout)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public async Task<IReadOnlyList<FileReconciliation>> WaitAsync(
        IReadOnlyList<FileOutcome> outcomes, CancellationToken serviceStopping, CancellationToken ct)
    {
        var names = outcomes.Where(o => o.Kind is not (FileOutcomeKind.Failed or FileOutcomeKind.Duplicate)).Select(o => o.FileName).ToHashSet(StringComparer.Ordinal);
        var lastProgress = -1L;
        var sinceProgress = Stopwatch.StartNew();
        while (true)
        {
            var files = (await store.GetFilesAsync(ct).ConfigureAwait(false)).Where(f => names.Contains(f.FileName)).ToList();
            if (files.All(f => f.Reconciles))
            {
                return files;
            }

            var accounted = files.Sum(f => f.RowsApplied + f.RowsRejected);
            var expected = files.Sum(f => f.RowsRead);
            if (serviceStopping.IsCancellationRequested)
            {
                throw new PipelineStalledException($"a service stopped with {accounted} of {expected} rows accounted for; see the log above.");
            }

            if (accounted != lastProgress)
            {
                lastProgress = accounted;
                sinceProgress.Restart();
            }
            else if (sinceProgress.Elapsed > idleTimeout)
            {
                throw new PipelineStalledException($"no progress for {idleTimeout.TotalSeconds:0} s with {accounted} of {expected} rows accounted for.");
            }

            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
    }
}
