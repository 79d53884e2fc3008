namespace OpowerStream.Samples.Writing;

/// <summary>
/// Picks exactly round(rows x rate) of a file's rows to be bad, spread at random, while the rows stream
/// by (Knuth's selection sampling: each row is chosen with probability still-needed / still-to-come,
/// which always ends with exactly the wanted count and needs no list of positions).
/// </summary>
internal sealed class BadRowSelector
{
    private readonly SplitMix64 random;
    private long rowsToCome;
    private long badStillNeeded;

    public BadRowSelector(long rows, double errorRate, SplitMix64 random)
    {
        this.random = random;
        rowsToCome = rows;
        badStillNeeded = BadRowCount(rows, errorRate);
    }

    /// <summary>round(rows x rate), halves away from zero.</summary>
    public static long BadRowCount(long rows, double errorRate) =>
        (long)Math.Round(rows * errorRate, MidpointRounding.AwayFromZero);

    public bool NextRowIsBad()
    {
        if (rowsToCome <= 0)
        {
            throw new InvalidOperationException("More rows were written than the file was planned with.");
        }

        var bad = random.NextDouble() * rowsToCome < badStillNeeded;
        rowsToCome--;
        if (bad)
        {
            badStillNeeded--;
        }

        return bad;
    }

    public void EnsureComplete()
    {
        if (rowsToCome != 0)
        {
            throw new InvalidOperationException($"{rowsToCome} planned rows were not written.");
        }
    }
}
