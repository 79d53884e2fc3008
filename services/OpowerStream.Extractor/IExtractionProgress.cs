using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpowerStream.Hosting;

namespace OpowerStream.Extractor;

/// <summary>
/// Told how each file's extraction goes: a live progress bar on a terminal, structured log lines in
/// a service. Called from the extractor's loop, every few thousand rows, so it must be cheap.
/// </summary>
public interface IExtractionProgress
{
    void FileStarted(string fileName, string entity, long sizeBytes);

    /// <summary><paramref name="bytesRead"/> counts the file as received (compressed bytes for gz and zip).</summary>
    void Advanced(string fileName, long rows, long bytesRead);

    void FileFinished(FileOutcome outcome, long sizeBytes, TimeSpan elapsed);
}

/// <summary>
/// The progress of a service without a terminal: a structured log line per file at most every
/// <see cref="Interval"/> while it is read (rows, rows/s, bytes), and one summary line at its end.
/// The counters of <see cref="PipelineMetrics"/> carry the same numbers as metrics.
/// </summary>
public sealed class LoggedExtractionProgress(ILogger<LoggedExtractionProgress> logger) : IExtractionProgress
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly Stopwatch sinceStart = new();
    private TimeSpan lastLogged;
    private long sizeBytes;

    public void FileStarted(string fileName, string entity, long sizeBytes)
    {
        this.sizeBytes = sizeBytes;
        sinceStart.Restart();
        lastLogged = TimeSpan.Zero;
    }

    public void Advanced(string fileName, long rows, long bytesRead)
    {
        var elapsed = sinceStart.Elapsed;
        if (elapsed - lastLogged >= Interval)
        {
            lastLogged = elapsed;
            Log.FileProgress(logger, fileName, rows, RowsPerSecond(rows, elapsed), bytesRead, sizeBytes);
        }
    }

    public void FileFinished(FileOutcome outcome, long sizeBytes, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Log.FileSummary(logger, outcome.FileName, outcome.Kind.ToString().ToLowerInvariant(), outcome.Rows,
            RowsPerSecond(outcome.Rows, elapsed), sizeBytes, (long)elapsed.TotalMilliseconds, outcome.Reason ?? "");
    }

    public static long RowsPerSecond(long rows, TimeSpan elapsed) =>
        elapsed.TotalSeconds <= 0 ? rows : (long)(rows / elapsed.TotalSeconds);
}
