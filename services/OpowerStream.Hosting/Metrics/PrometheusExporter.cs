using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace OpowerStream.Hosting.Metrics;

/// <summary>
/// Collects the measurements of this host's <see cref="System.Diagnostics.Metrics"/> instruments (meters
/// created by the host's <see cref="IMeterFactory"/> with one of the given names) through a
/// <see cref="MeterListener"/>, and renders them in the Prometheus text format on each scrape: counters
/// as running sums, histograms as cumulative buckets, observable instruments measured at scrape time.
/// Only this host's meters: two hosts in one process (tests) never mix their numbers.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>Prometheus' default buckets, for histograms whose instrument gives no advice.</summary>
    internal static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly object? scope;
    private readonly HashSet<string> meterNames;
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> instruments = new();
    private readonly Lock scrapeLock = new();
    private int started;

    /// <param name="scope">Only meters whose <see cref="Meter.Scope"/> is this object (the host's <see cref="IMeterFactory"/>); null for any.</param>
    /// <param name="meterNames">The meters to expose.</param>
    public PrometheusExporter(object? scope, IEnumerable<string> meterNames)
    {
        this.scope = scope;
        this.meterNames = meterNames.ToHashSet(StringComparer.Ordinal);
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (this.meterNames.Contains(instrument.Meter.Name) && (this.scope is null || ReferenceEquals(instrument.Meter.Scope, this.scope)))
            {
                l.EnableMeasurementEvents(instrument, instruments.GetOrAdd(instrument, static i => new InstrumentSeries(i)));
            }
        };
        listener.MeasurementsCompleted = (instrument, _) => instruments.TryRemove(instrument, out InstrumentSeries? _);
        listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<short>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => ((InstrumentSeries)state!).Record((double)value, tags));
    }

    /// <summary>Starts listening; instruments created before and after are both seen. Idempotent.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref started, 1) == 0)
        {
            listener.Start();
        }
    }

    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (scrapeLock)
        {
            foreach (var series in instruments.Values.Where(s => s.Observable))
            {
                series.Clear();
            }

            listener.RecordObservableInstruments();
            return instruments.Values.Select(s => s.ToFamily()).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The exposition text of every instrument, in the format of <see cref="PrometheusText.ContentType"/>.</summary>
    public string Scrape() => PrometheusText.Write(Collect());

    public void Dispose() => listener.Dispose();

    /// <summary>Everything measured for one instrument, by label set.</summary>
    private sealed class InstrumentSeries
    {
        private readonly bool cumulative;
        private readonly double[] bounds = [];
        private readonly MetricType type;
        private readonly string name;
        private readonly string help;
        private readonly ConcurrentDictionary<string, Series> series = new(StringComparer.Ordinal);

        public InstrumentSeries(Instrument instrument)
        {
            var kind = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
            Observable = instrument.IsObservable;
            (type, cumulative) = kind switch
            {
                _ when kind == typeof(Counter<>) => (MetricType.Counter, true),
                _ when kind == typeof(ObservableCounter<>) => (MetricType.Counter, false),
                _ when kind == typeof(UpDownCounter<>) => (MetricType.Gauge, true),
                _ when kind == typeof(Histogram<>) => (MetricType.Histogram, true),
                _ => (MetricType.Gauge, false),
            };
            if (type == MetricType.Histogram)
            {
                bounds = Advice(instrument) ?? DefaultBuckets;
            }

            name = PrometheusText.MetricName(instrument.Name, instrument.Unit, type);
            help = instrument.Description ?? instrument.Name;
        }

        public bool Observable { get; }

        public void Clear() => series.Clear();

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = Labels(tags);
            var key = string.Join('\u0001', labels.Select(l => $"{l.Key}\u0002{l.Value}"));
            var target = series.GetOrAdd(key, static (_, state) => new Series(state.labels, state.buckets), (labels, buckets: bounds.Length));
            lock (target)
            {
                if (type == MetricType.Histogram)
                {
                    var bucket = Array.FindIndex(bounds, bound => value <= bound);
                    target.Buckets[bucket < 0 ? bounds.Length : bucket]++;
                    target.Sum += value;
                    target.Count++;
                }
                else
                {
                    target.Value = cumulative ? target.Value + value : value;
                }
            }
        }

        public MetricFamily ToFamily()
        {
            var samples = new List<MetricSample>();
            foreach (var (_, one) in series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                lock (one)
                {
                    if (type != MetricType.Histogram)
                    {
                        samples.Add(new MetricSample("", one.Labels, one.Value));
                        continue;
                    }

                    long below = 0;
                    for (var i = 0; i <= bounds.Length; i++)
                    {
                        below += one.Buckets[i];
                        var le = i < bounds.Length ? PrometheusText.FormatValue(bounds[i]) : "+Inf";
                        samples.Add(new MetricSample("_bucket", [.. one.Labels, new("le", le)], below));
                    }

                    samples.Add(new MetricSample("_sum", one.Labels, one.Sum));
                    samples.Add(new MetricSample("_count", one.Labels, one.Count));
                }
            }

            return new MetricFamily(name, type, help, samples);
        }

        private static List<KeyValuePair<string, string>> Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = new List<KeyValuePair<string, string>>(tags.Length);
            foreach (var tag in tags)
            {
                labels.Add(new(tag.Key, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? ""));
            }

            labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return labels;
        }

        private static double[]? Advice(Instrument instrument) => instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
    }

    private sealed class Series(IReadOnlyList<KeyValuePair<string, string>> labels, int bounds)
    {
        public IReadOnlyList<KeyValuePair<string, string>> Labels { get; } = labels;

        public double Value { get; set; }

        public long[] Buckets { get; } = new long[bounds + 1];

        public double Sum { get; set; }

        public long Count { get; set; }
    }
}
