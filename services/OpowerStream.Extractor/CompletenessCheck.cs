namespace OpowerStream.Extractor;

/// <summary>
/// Decides which inbox files are completely written (<see cref="ExtractorOptions.Completeness"/>):
/// with <see cref="FileCompleteness.StableSize"/> a file is complete once its size and last-write
/// time stayed the same for <see cref="ExtractorOptions.StableFor"/> (a file untouched for that long
/// when first seen is complete at once); with <see cref="FileCompleteness.DoneMarker"/> once its
/// <c>&lt;name&gt;.done</c> marker exists.
/// </summary>
public sealed class CompletenessCheck(ExtractorOptions options, TimeProvider time)
{
    private readonly Dictionary<string, Observation> observed = new(StringComparer.Ordinal);

    /// <summary>
    /// Splits <paramref name="files"/> into the complete ones and the moment a file that is not yet
    /// complete may become so (null when none is waiting for time to pass).
    /// </summary>
    public (IReadOnlyList<FileInfo> Complete, DateTimeOffset? NextCheck) Check(IReadOnlyList<FileInfo> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (options.Completeness == FileCompleteness.DoneMarker)
        {
            return (files.Where(Inbox.HasDoneMarker).ToList(), null);
        }

        var now = time.GetUtcNow();
        var complete = new List<FileInfo>();
        DateTimeOffset? nextCheck = null;
        foreach (var file in files)
        {
            file.Refresh();
            if (!file.Exists)
            {
                continue;
            }

            var observation = Observe(file, now);
            var stableAt = observation.StableSince + options.StableFor;
            if (stableAt <= now)
            {
                complete.Add(file);
            }
            else if (nextCheck is null || stableAt < nextCheck)
            {
                nextCheck = stableAt;
            }
        }

        var present = files.Select(f => f.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in observed.Keys.Where(path => !present.Contains(path)).ToList())
        {
            observed.Remove(gone);
        }

        return (complete, nextCheck);
    }

    private Observation Observe(FileInfo file, DateTimeOffset now)
    {
        var lastWrite = new DateTimeOffset(file.LastWriteTimeUtc);
        if (observed.TryGetValue(file.FullName, out var previous)
            && previous.Size == file.Length && previous.LastWrite == lastWrite)
        {
            return previous;
        }

        // A change the last-write time does not show (coarse clocks) counts from now; otherwise the
        // last write is when the file last changed (never later than now, for clocks ahead of ours).
        var stableSince = previous is not null && previous.LastWrite == lastWrite ? now : (lastWrite < now ? lastWrite : now);
        var observation = new Observation(file.Length, lastWrite, stableSince);
        observed[file.FullName] = observation;
        return observation;
    }

    private sealed record Observation(long Size, DateTimeOffset LastWrite, DateTimeOffset StableSince);
}
