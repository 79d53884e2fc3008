namespace OpowerStream.Samples.Writing;

/// <summary>
/// SplitMix64: a tiny generator whose output is fixed by its seed on every platform and runtime
/// version (System.Random promises neither), so the same options always give the same bytes.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong state = seed;

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15UL;
        return StableHash.Mix(state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="count"/>).</summary>
    public int NextInt(int count) => (int)(NextDouble() * count);
}

/// <summary>
/// Stateless pseudo-random decisions: the same inputs give the same value wherever they are asked,
/// so a file's rows can be counted before they are written without keeping them.
/// </summary>
internal static class StableHash
{
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Of(long seed, Purpose purpose, long a, long b = 0) =>
        Mix(Mix(Mix((ulong)seed ^ ((ulong)purpose << 56)) ^ (ulong)a) ^ (ulong)b);

    /// <summary>Uniform in [0, 1).</summary>
    public static double Unit(long seed, Purpose purpose, long a, long b = 0) =>
        (Of(seed, purpose, a, b) >> 11) * (1.0 / (1UL << 53));

    public static SplitMix64 Generator(long seed, Purpose purpose, long a, long b = 0) =>
        new(Of(seed, purpose, a, b));
}

/// <summary>Separates the random streams, so adding one use of randomness does not shift the others.</summary>
internal enum Purpose
{
    IntervalValues = 1,
    ServiceQuantityValues,
    RateValues,
    BadRows,
    ServicePointScale,
    AgreementStart,
    RateDecision,
}
