using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpowerStream.Domain;
using OpowerStream.Hosting;
using OpowerStream.Storage;

namespace OpowerStream.Consumers.Failures;

/// <summary>
/// The consumer's failure policy for applying a batch (README, "Failure policy"). Every failure is
/// retried with capped exponential backoff and jitter, and the batch is not acknowledged until it
/// applied, so nothing is lost and the sequence-guarded store makes the final apply the only one that
/// counts. A transient failure is logged as a warning per attempt. A permanent one (see
/// <see cref="StoreFailures"/>) is surfaced: readiness names it, a metric counts it, an ERROR line is
/// logged at most once per <see cref="ErrorLogInterval"/>; after <see cref="ConsumerOptions.ExitAfterPermanentFailure"/>
/// (when set) <see cref="PermanentFailureException"/> ends the consumer so the process exits non-zero.
/// </summary>
public sealed class StoreRetry(Entity entity, ConsumerOptions options, ConsumerStatus status, PipelineMetrics metrics, ILogger logger)
{
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan ErrorLogInterval = TimeSpan.FromMinutes(1);

    private readonly string entityName = entity.Name();
    private Stopwatch? sinceLastErrorLog;

    public async Task ApplyAsync(Func<CancellationToken, Task> apply, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(apply);
        var backoff = FirstRetryDelay;
        Stopwatch? failingFor = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await apply(ct).ConfigureAwait(false);
                if (failingFor is not null)
                {
                    status.Recovered();
                    Log.BatchRecovered(logger, entityName, attempt);
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var delay = Jittered(backoff, options.MaxRetryDelay);
                if (StoreFailures.Classify(e) == StoreFailureKind.Transient)
                {
                    Log.BatchRetry(logger, entityName, attempt, (long)delay.TotalMilliseconds, e);
                }
                else
                {
                    failingFor ??= Stopwatch.StartNew();
                    Surface(e, attempt, failingFor.Elapsed, delay);
                }

                await Task.Delay(delay, ct).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>
    /// The backoff times a random factor in [0.5, 1.5), never above <paramref name="cap"/>: instances hit by
    /// the same outage do not retry in step, and the cap stays the longest wait.
    /// </summary>
    public static TimeSpan Jittered(TimeSpan backoff, TimeSpan cap) =>
        TimeSpan.FromTicks(Math.Min(cap.Ticks, (long)(backoff.Ticks * (0.5 + Random.Shared.NextDouble()))));

    private void Surface(Exception e, int attempt, TimeSpan failingFor, TimeSpan delay)
    {
        var reason = $"permanent store failure: {e.GetType().Name}: {e.Message}";
        status.Failing(reason);
        metrics.PermanentFailure(entity);
        if (sinceLastErrorLog is null || sinceLastErrorLog.Elapsed >= ErrorLogInterval)
        {
            Log.BatchFailsPermanently(logger, entityName, attempt, (long)failingFor.TotalSeconds, reason, (long)delay.TotalMilliseconds, e);
            sinceLastErrorLog = Stopwatch.StartNew();
        }

        if (options.ExitAfterPermanentFailure is { } limit && failingFor >= limit)
        {
            Log.ExitingAfterPermanentFailure(logger, entityName, (long)failingFor.TotalSeconds, reason);
            throw new PermanentFailureException(reason, e);
        }
    }
}

/// <summary>A permanent failure outlasted <see cref="ConsumerOptions.ExitAfterPermanentFailure"/>: the consumer stops and the process exits non-zero.</summary>
public sealed class PermanentFailureException : Exception
{
    public PermanentFailureException()
    {
    }

    public PermanentFailureException(string message)
        : base(message)
    {
    }

    public PermanentFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
