using OpowerStream.Domain;
using OpowerStream.Domain.Completeness;

namespace OpowerStream.Storage.Batching;

/// <summary>
/// An interval read the upsert wrote (the sequence guard let it in): a key not stored before, or a stored
/// one replaced, with the estimate flag it replaced.
/// </summary>
internal readonly record struct AppliedInterval(IntervalSeries Series, DateTime IntervalEndUtc, bool IsEstimate, bool Inserted, bool WasEstimate)
{
    public static AppliedInterval Of(IntervalRead row, bool inserted, bool wasEstimate) =>
        new(
            new IntervalSeries(row.ServicePointId, row.ServiceQuantityIdentifier, row.Units, row.IntervalMinutes),
            row.IntervalEndUtc, IsEstimateFlag(row.IsEstimate), inserted, wasEstimate);

    /// <summary>Only <c>E</c> is an estimate: <c>A</c> is actual, <c>U</c> customer-reported.</summary>
    public static bool IsEstimateFlag(char flag) => flag == 'E';
}

/// <summary>
/// What applied intervals change in the completeness counters, per series and local day: a new interval adds
/// one received, a replaced one adds nothing; the estimated count follows the flag from the replaced value to
/// the new one. Rows the guard kept out never reach here, so re-sent, replayed and rejected rows count nothing.
/// </summary>
internal sealed class CompletenessDeltas(TimeZoneInfo zone)
{
    private readonly Dictionary<(IntervalSeries Series, DateOnly Day), (long Received, long Estimated)> deltas = [];
    private readonly LocalDayCache days = new(zone);

    // The (series, day) the last rows went to: rows arrive meter by meter in time order, so most skip the dictionary.
    private (IntervalSeries Series, DateOnly Day)? current;
    private (long Received, long Estimated) currentSum;

    /// <summary>The deltas of one batch's applied intervals.</summary>
    public static List<DayCount> Of(IReadOnlyCollection<AppliedInterval> applied, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(applied);
        var batch = new CompletenessDeltas(zone);
        foreach (var row in applied)
        {
            batch.Add(row);
        }

        return batch.ToList();
    }

    public void Add(AppliedInterval row) => Add(row, 1);

    /// <summary>Takes back what <see cref="Add(AppliedInterval)"/> of <paramref name="row"/> counted: for a row first counted on an assumption that proved wrong.</summary>
    public void Withdraw(AppliedInterval row) => Add(row, -1);

    private void Add(AppliedInterval row, int sign)
    {
        var received = sign * (row.Inserted ? 1 : 0);
        var estimated = sign * ((row.IsEstimate ? 1 : 0) - (row.WasEstimate ? 1 : 0));
        if (received == 0 && estimated == 0)
        {
            return;
        }

        var day = days.Of(row.IntervalEndUtc, row.Series.IntervalMinutes);
        if (current is not { } key || key.Day != day || key.Series != row.Series)
        {
            Flush();
            current = (row.Series, day);
        }

        currentSum = (currentSum.Received + received, currentSum.Estimated + estimated);
    }

    /// <summary>The non-zero deltas.</summary>
    public List<DayCount> ToList()
    {
        Flush();
        return [.. deltas
            .Where(delta => delta.Value != default)
            .Select(delta => new DayCount(delta.Key.Series, delta.Key.Day, delta.Value.Received, delta.Value.Estimated))];
    }

    private void Flush()
    {
        if (current is { } key && currentSum != default)
        {
            var sum = deltas.GetValueOrDefault(key);
            deltas[key] = (sum.Received + currentSum.Received, sum.Estimated + currentSum.Estimated);
        }

        currentSum = default;
    }
}
