using OpowerStream.Hosting.Metrics;

namespace OpowerStream.Hosting.Tests;

/// <summary>The text exposition format 0.0.4 as Prometheus parses it: names, types, labels, escaping, values.</summary>
public sealed class PrometheusTextTests
{
    [Theory]
    [InlineData("opowerstream.rows.applied", "{row}", MetricType.Counter, "opowerstream_rows_applied_total")]
    [InlineData("opowerstream.batch.duration", "s", MetricType.Histogram, "opowerstream_batch_duration_seconds")]
    [InlineData("opowerstream.consumer.lag", "{record}", MetricType.Gauge, "opowerstream_consumer_lag")]
    [InlineData("http.request.duration_seconds", "s", MetricType.Histogram, "http_request_duration_seconds")]
    [InlineData("queue.bytes", "By", MetricType.Gauge, "queue_bytes")]
    [InlineData("requests_total", null, MetricType.Counter, "requests_total")]
    [InlineData("9lives-and.dashes", "", MetricType.Gauge, "_9lives_and_dashes")]
    [InlineData("ratio", "1", MetricType.Gauge, "ratio")]
    public void Instrument_names_become_Prometheus_names_with_unit_and_total_suffixes(string instrument, string? unit, MetricType type, string expected) =>
        Assert.Equal(expected, PrometheusText.MetricName(instrument, unit, type));

    [Fact]
    public void Families_are_written_with_help_type_and_one_line_per_sample()
    {
        var text = PrometheusText.Write(
        [
            new MetricFamily("rows_total", MetricType.Counter, "Rows.", [
                new MetricSample("", [new("entity", "intervals")], 12),
                new MetricSample("", [new("entity", "rates"), new("file", "a.tsv")], 3),
            ]),
            new MetricFamily("lag", MetricType.Gauge, "Lag.", [new MetricSample("", [], 0)]),
        ]);

        Assert.Equal(
            "# HELP rows_total Rows.\n" +
            "# TYPE rows_total counter\n" +
            "rows_total{entity=\"intervals\"} 12\n" +
            "rows_total{entity=\"rates\",file=\"a.tsv\"} 3\n" +
            "# HELP lag Lag.\n" +
            "# TYPE lag gauge\n" +
            "lag 0\n",
            text);
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline_and_help_escapes_backslash_and_newline()
    {
        var text = PrometheusText.Write(
        [
            new MetricFamily("m", MetricType.Gauge, "first line\nC:\\inbox \"quoted\"", [
                new MetricSample("", [new("file", "C:\\in\"box\"\nnext")], 1),
            ]),
        ]);

        var lines = text.Split('\n');
        Assert.Equal("# HELP m first line\\nC:\\\\inbox \"quoted\"", lines[0]);
        Assert.Equal("m{file=\"C:\\\\in\\\"box\\\"\\nnext\"} 1", lines[2]);
    }

    [Fact]
    public void Label_names_are_sanitized()
    {
        var text = PrometheusText.Write([new MetricFamily("m", MetricType.Gauge, "h", [new MetricSample("", [new("kafka.topic-name", "t")], 1)])]);
        Assert.Contains("m{kafka_topic_name=\"t\"} 1\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(1234567.0, "1234567")]
    [InlineData(0.25, "0.25")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(1e21, "1E+21")]
    public void Values_use_Prometheus_float_syntax_whatever_the_culture(double value, string expected)
    {
        var culture = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal(expected, PrometheusText.FormatValue(value));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }
    }
}
