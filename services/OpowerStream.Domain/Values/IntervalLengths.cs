namespace OpowerStream.Domain.Values;

/// <summary>Spec section 2: the interval lengths, in minutes, an interval file may declare in its name.</summary>
public static class IntervalLengths
{
    public static IReadOnlyList<int> Allowed { get; } = [5, 15, 30, 60, 1440];

    public static bool IsAllowed(int minutes) => minutes is 5 or 15 or 30 or 60 or 1440;
}
