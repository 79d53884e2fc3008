using OpowerStream.Samples.Writing;

namespace OpowerStream.Samples.Entities;

/// <summary>
/// The synthetic customers: service point i has account, person, premise and service agreement i.
/// Ids are numbers in separate ranges (as billing systems issue them), so they are written without
/// allocating a string per row and never collide across kinds.
/// </summary>
internal sealed class Population(int servicePoints, long seed)
{
    /// <summary>Keeps every id at 10 digits and the bill ids unique per month.</summary>
    public const int MaxServicePoints = 10_000_000;

    private static readonly string[] FirstNames =
        ["Maria", "James", "Aisha", "Wei", "Olga", "Carlos", "Fatima", "John", "Priya", "Lukas", "Amara", "Kenji"];

    private static readonly string[] LastNames =
        ["Smith", "Garcia", "Okafor", "Chen", "Ivanova", "Martin", "Haddad", "Brown", "Patel", "Novak", "Silva", "Tanaka"];

    public int Count { get; } = servicePoints;

    public static long ServicePointId(int index) => 3_000_000_000L + index;

    public static long AccountId(int index) => 4_000_000_000L + index;

    public static long PersonId(int index) => 6_000_000_000L + index;

    public static long ServiceAgreementId(int index) => 7_000_000_000L + index;

    public static long PremiseId(int index) => 8_000_000_000L + index;

    /// <summary>Two of three customers are billed on-peak/off-peak; the others on a flat total.</summary>
    public static bool BilledByTimeOfUse(int index) => index % 3 != 0;

    public static string CustomerName(int index) =>
        $"{FirstNames[index % FirstNames.Length]} {LastNames[index / FirstNames.Length % LastNames.Length]}";

    /// <summary>How much more (or less) than the typical household this one uses: 0.5 to 2.5.</summary>
    public double Scale(int index) => 0.5 + (2 * StableHash.Unit(seed, Purpose.ServicePointScale, index));

    /// <summary>The service agreement's start, one month to four years before <paramref name="firstDay"/>.</summary>
    public DateOnly AgreementStart(int index, DateOnly firstDay) =>
        firstDay.AddDays(-30 - (int)(StableHash.Of(seed, Purpose.AgreementStart, index) % 1_430));
}
