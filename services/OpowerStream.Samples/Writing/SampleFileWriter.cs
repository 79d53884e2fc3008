using OpowerStream.Domain;

namespace OpowerStream.Samples.Writing;

/// <summary>
/// One sample file being written: the header, then rows of which exactly the planned share are spoilt
/// by one of the entity's faults (chosen at random), with the count per rule kept for the manifest.
/// </summary>
internal sealed class SampleFileWriter : IDisposable
{
    private readonly string path;
    private readonly Entity entity;
    private readonly IReadOnlyList<RowFault> faults;
    private readonly BadRowSelector badRows;
    private readonly SplitMix64 faultChoice;
    private readonly SortedDictionary<string, long> badRowsByRule = new(StringComparer.Ordinal);
    private long rows;

    public SampleFileWriter(
        string path,
        Entity entity,
        IReadOnlyList<string> header,
        IReadOnlyList<RowFault> faults,
        long plannedRows,
        double errorRate,
        SplitMix64 random)
    {
        this.path = path;
        this.entity = entity;
        this.faults = faults;
        faultChoice = random;
        badRows = new BadRowSelector(plannedRows, faults.Count == 0 ? 0 : errorRate, random);
        Row = new TsvRowWriter(path);
        foreach (var column in header)
        {
            Row.Text(column);
        }

        Row.EndRow();
    }

    /// <summary>Where the current row's values go; finish each row with <see cref="EndRow"/>.</summary>
    public TsvRowWriter Row { get; }

    /// <summary>Writes the row built in <see cref="Row"/>; false when it was spoilt into a bad row instead.</summary>
    public bool EndRow()
    {
        rows++;
        var bad = badRows.NextRowIsBad();
        if (bad)
        {
            var fault = faults[faultChoice.NextInt(faults.Count)];
            Row.RewritePending(fault.Spoil(Row.PendingFields()));
            badRowsByRule[fault.Rule] = badRowsByRule.GetValueOrDefault(fault.Rule) + 1;
        }

        Row.EndRow();
        return !bad;
    }

    public GeneratedFile Complete()
    {
        badRows.EnsureComplete();
        Row.Dispose();
        return new GeneratedFile(path, entity, rows, badRowsByRule.Values.Sum(), badRowsByRule);
    }

    public void Dispose() => Row.Dispose();
}
