using System.Globalization;

namespace OpowerStream.Testing;

/// <summary>Reads a <c>/metrics</c> answer (Prometheus text format) as a test asserts on it.</summary>
public static class PrometheusExposition
{
    /// <summary>The value of one sample line, e.g. <c>opowerstream_rows_applied_total{entity="intervals"}</c>; null when absent.</summary>
    public static double? Sample(string exposition, string series)
    {
        var line = Lines(exposition).FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? null : Value(line);
    }

    /// <summary>Every sample line of a family (name followed by labels), without comments.</summary>
    public static IReadOnlyList<string> Samples(string exposition, string name) =>
        Lines(exposition).Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal)).ToList();

    /// <summary>The sum over a family's series whose labels include <paramref name="label"/> (e.g. <c>entity="intervals"</c>), as <c>sum(...)</c> would.</summary>
    public static double Sum(string exposition, string name, string label) =>
        Samples(exposition, name).Where(line => line.Contains(label, StringComparison.Ordinal)).Sum(Value);

    /// <summary>A sample line's value: the token after the series (an optional timestamp may follow).</summary>
    public static double Value(string line)
    {
        var afterLabels = line.LastIndexOf('}') is var close and >= 0 ? close + 1 : line.IndexOf(' ', StringComparison.Ordinal);
        var value = line[afterLabels..].Trim().Split(' ')[0];
        return double.Parse(value, CultureInfo.InvariantCulture);
    }

    private static IEnumerable<string> Lines(string exposition) => exposition.Split('\n').Where(l => !l.StartsWith('#'));
}
