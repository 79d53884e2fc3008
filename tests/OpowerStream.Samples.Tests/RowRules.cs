using System.Globalization;
using System.Text.RegularExpressions;
using OpowerStream.Domain;

namespace OpowerStream.Samples.Tests;

/// <summary>
/// An independent, minimal reading of the spec's row rules (sections 3 and 4), enough to tell which
/// rules a generated row breaks; the real validators live in the consumers.
/// </summary>
public static partial class RowRules
{
    public static List<string> Interval(string[] fields, int intervalMinutes)
    {
        var broken = new List<string>();
        if (fields.Length != 9)
        {
            return [RuleCodes.WrongColumnCount];
        }

        var (servicePoint, date, time, usage, units) = (fields[0], fields[1], fields[2], fields[3], fields[4]);
        if (servicePoint.Length == 0)
        {
            broken.Add(RuleCodes.MissingRequired);
        }

        if (servicePoint.Length > 40)
        {
            broken.Add(RuleCodes.TooLong);
        }

        if (!DateOnly.TryParseExact(date, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            || !TimeOnly.TryParseExact(time, "HHmm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            broken.Add(RuleCodes.InvalidDatetime);
        }
        else if (intervalMinutes < 60 && int.Parse(time[2..], CultureInfo.InvariantCulture) % intervalMinutes != 0)
        {
            broken.Add(RuleCodes.MisalignedInterval);
        }

        if (!IsDecimal(usage))
        {
            broken.Add(RuleCodes.InvalidDecimal);
        }
        else if (usage.StartsWith('-'))
        {
            broken.Add(RuleCodes.NegativeUsage);
        }

        if (units != "KWH")
        {
            broken.Add(RuleCodes.InvalidEnum);
        }

        return broken;
    }

    public static List<string> ServiceQuantity(string[] fields)
    {
        var broken = new List<string>();
        if (fields[0].Length == 0 || fields[1].Length == 0)
        {
            broken.Add(RuleCodes.MissingRequired);
        }

        if (LocalDateTime(fields[6]) <= LocalDateTime(fields[5]))
        {
            broken.Add(RuleCodes.InvalidRange);
        }

        if (!IsDecimal(fields[7]))
        {
            broken.Add(RuleCodes.InvalidDecimal);
        }

        return broken;
    }

    public static List<string> Account(string[] fields)
    {
        var broken = new List<string>();
        if (fields[5].Length == 0 || fields[8].Length == 0)
        {
            broken.Add(RuleCodes.MissingRequired);
        }

        if (!DateTime.TryParseExact(fields[9], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            broken.Add(RuleCodes.InvalidDatetime);
        }

        return broken;
    }

    public static DateTime LocalDateTime(string value) =>
        DateTime.ParseExact(value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>DECIMAL(18,6): at most 12 integer and 6 fraction digits, no exponent.</summary>
    private static bool IsDecimal(string value) => Decimal18And6().IsMatch(value);

    [GeneratedRegex(@"^[+-]?\d{1,12}(\.\d{1,6})?$")]
    private static partial Regex Decimal18And6();
}
