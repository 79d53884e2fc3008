namespace OpowerStream.Extractor;

public enum FileOutcomeKind
{
    Published,
    Refused,

    /// <summary>A true re-send (same name, same content as a published file): skipped, its rows already apply.</summary>
    Duplicate,
    Failed,
}

/// <summary>What happened to one inbound file in this process.</summary>
public sealed record FileOutcome(string FileName, FileOutcomeKind Kind, long Rows, string? Reason = null);

/// <summary>
/// The files this extractor handled since it started; in <c>--once</c> mode it completes when every
/// file present at start was handled, so the caller can wait for the consumers to catch up.
/// </summary>
public sealed class ExtractionRun
{
    private readonly List<FileOutcome> outcomes = [];
    private readonly TaskCompletionSource<IReadOnlyList<FileOutcome>> completed =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<IReadOnlyList<FileOutcome>> Completed => completed.Task;

    public IReadOnlyList<FileOutcome> Outcomes
    {
        get
        {
            lock (outcomes)
            {
                return outcomes.ToList();
            }
        }
    }

    public void Record(FileOutcome outcome)
    {
        lock (outcomes)
        {
            outcomes.Add(outcome);
        }
    }

    public void Complete() => completed.TrySetResult(Outcomes);

    public void Fail(Exception exception) => completed.TrySetException(exception);
}
