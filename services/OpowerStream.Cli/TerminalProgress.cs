using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OpowerStream.Extractor;
using Spectre.Console;

namespace OpowerStream.Cli;

/// <summary>
/// The extractor's progress on a terminal: one live bar per file (bytes of the file read, rows,
/// rows/s) that becomes the file's summary line when it ends. Used only when standard output is an
/// interactive terminal; a service's redirected output gets <see cref="LoggedExtractionProgress"/>.
/// </summary>
public sealed class TerminalProgress : IExtractionProgress, IDisposable
{
    private readonly ConcurrentDictionary<string, (ProgressTask Task, Stopwatch Clock)> files = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<ProgressContext> context = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task display;

    public TerminalProgress()
    {
        display = AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .StartAsync(async ctx =>
            {
                context.TrySetResult(ctx);
                await stopped.Task.ConfigureAwait(false);
            });
    }

    /// <summary>Whether the progress bars can be drawn: standard output is an interactive terminal.</summary>
    public static bool IsAvailable =>
        !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && AnsiConsole.Profile.Capabilities.Ansi;

    public void FileStarted(string fileName, string entity, long sizeBytes)
    {
        var task = context.Task.Result.AddTask(Markup.Escape(fileName), maxValue: Math.Max(sizeBytes, 1));
        files[fileName] = (task, Stopwatch.StartNew());
    }

    public void Advanced(string fileName, long rows, long bytesRead)
    {
        if (files.TryGetValue(fileName, out var file))
        {
            file.Task.Value = bytesRead;
            file.Task.Description = Markup.Escape(Invariant(
                $"{fileName}  {rows:N0} rows  {LoggedExtractionProgress.RowsPerSecond(rows, file.Clock.Elapsed):N0} rows/s  {Megabytes(bytesRead)} of {Megabytes((long)file.Task.MaxValue)} MB"));
        }
    }

    public void FileFinished(FileOutcome outcome, long sizeBytes, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!files.TryRemove(outcome.FileName, out var file))
        {
            // Refused before reading (name, duplicate): a finished line of its own.
            file = (context.Task.Result.AddTask(Markup.Escape(outcome.FileName), maxValue: 1), Stopwatch.StartNew());
        }

        file.Task.Description = Markup.Escape(Summary(outcome, sizeBytes, elapsed));
        file.Task.Value = file.Task.MaxValue;
        file.Task.StopTask();
    }

    /// <summary>The per-file summary line, as the finished bar shows it.</summary>
    public static string Summary(FileOutcome outcome, long sizeBytes, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Kind == FileOutcomeKind.Published
            ? Invariant($"{outcome.FileName}  published {outcome.Rows:N0} rows  {LoggedExtractionProgress.RowsPerSecond(outcome.Rows, elapsed):N0} rows/s  {Megabytes(sizeBytes)} MB  {elapsed.TotalSeconds:0.0} s")
            : Invariant($"{outcome.FileName}  {outcome.Kind.ToString().ToLowerInvariant()}: {outcome.Reason}");
    }

    public void Dispose()
    {
        stopped.TrySetResult();
        display.Wait(TimeSpan.FromSeconds(5));
    }

    private static string Megabytes(long bytes) => (bytes / (1024d * 1024)).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
