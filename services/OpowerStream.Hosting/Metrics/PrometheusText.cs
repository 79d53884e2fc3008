using System.Globalization;
using System.Text;

namespace OpowerStream.Hosting.Metrics;

public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>One metric family: a name, its type and help line, and its samples.</summary>
public sealed record MetricFamily(string Name, MetricType Type, string Help, IReadOnlyList<MetricSample> Samples);

/// <summary>One sample: a suffix of the family name (<c>_bucket</c>, <c>_sum</c>, <c>_count</c> or empty), its labels and value.</summary>
public sealed record MetricSample(string Suffix, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value);

/// <summary>
/// The Prometheus text exposition format, version 0.0.4: <c># HELP</c> and <c># TYPE</c> lines, then one
/// line per sample, <c>name{label="value",...} value</c>. Names follow the OpenTelemetry-to-Prometheus
/// convention: dots become underscores, the unit is appended (<c>s</c> as <c>_seconds</c>; annotations in
/// braces such as <c>{row}</c> are dropped), counters end in <c>_total</c>.
/// </summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly Dictionary<string, string> UnitSuffixes = new(StringComparer.Ordinal)
    {
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["By"] = "bytes",
        ["1"] = "",
    };

    /// <summary>The Prometheus name of an instrument, e.g. <c>opowerstream.batch.duration</c> in <c>s</c> to <c>opowerstream_batch_duration_seconds</c>.</summary>
    public static string MetricName(string instrumentName, string? unit, MetricType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(instrumentName);
        var name = Sanitize(instrumentName, allowColon: true);
        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        if (type == MetricType.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    /// <summary>A valid label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>, other characters as underscores.</summary>
    public static string LabelName(string key) => Sanitize(key, allowColon: false);

    public static void Write(TextWriter writer, IEnumerable<MetricFamily> families)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(families);
        var line = new StringBuilder();
        foreach (var family in families)
        {
            writer.Write($"# HELP {family.Name} {EscapeHelp(family.Help)}\n");
            writer.Write($"# TYPE {family.Name} {TypeName(family.Type)}\n");
            foreach (var sample in family.Samples)
            {
                line.Clear().Append(family.Name).Append(sample.Suffix);
                if (sample.Labels.Count > 0)
                {
                    line.Append('{');
                    for (var i = 0; i < sample.Labels.Count; i++)
                    {
                        line.Append(i == 0 ? "" : ",").Append(LabelName(sample.Labels[i].Key))
                            .Append("=\"").Append(EscapeLabelValue(sample.Labels[i].Value)).Append('"');
                    }

                    line.Append('}');
                }

                line.Append(' ').Append(FormatValue(sample.Value)).Append('\n');
                writer.Write(line);
            }
        }
    }

    public static string Write(IEnumerable<MetricFamily> families)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(writer, families);
        return writer.ToString();
    }

    /// <summary>Go's float syntax as Prometheus parses it: <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, else the shortest round-trip form.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>HELP text escapes backslash and line feed.</summary>
    public static string EscapeHelp(string help) =>
        (help ?? "").Replace("\\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    /// <summary>Label values escape backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value) =>
        (value ?? "").Replace("\\", @"\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", @"\n", StringComparison.Ordinal);

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrEmpty(unit) || (unit.StartsWith('{') && unit.EndsWith('}')))
        {
            return "";
        }

        return UnitSuffixes.TryGetValue(unit, out var suffix) ? suffix : Sanitize(unit, allowColon: false).Trim('_');
    }

    private static string Sanitize(string name, bool allowColon)
    {
        var result = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        if (result.Length == 0 || char.IsAsciiDigit(result[0]))
        {
            result.Insert(0, '_');
        }

        return result.ToString();
    }
}
