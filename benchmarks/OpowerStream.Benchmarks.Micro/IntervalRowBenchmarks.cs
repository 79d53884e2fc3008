using System.Globalization;
using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Domain.Files;
using OpowerStream.Domain.Validation;

namespace OpowerStream.Benchmarks.Micro;

/// <summary>
/// The per-row work of the interval path on a fixed gzip'd file of 10,000 rows (100 meters, 15-minute
/// reads): what the extractor does per row (reading the file as byte views, the Avro event and the
/// Kafka key straight from the bytes), reading into decoded raw rows and encoding those, Avro decoding,
/// validation and the source-sequence guard (consumer). Each benchmark handles all rows, so time / 10,000 is the cost per row.
/// </summary>
[MemoryDiagnoser]
public class IntervalRowBenchmarks
{
    private const int Meters = 100;
    private const int ReadsPerMeter = 100;

    private readonly InboundFileName name = InboundFileNames.TryParse("opwr_gec_res_v2-0-5_interval15_20251012060000.gz", out var parsed)
        ? parsed
        : throw new InvalidOperationException("the benchmark's file name must parse");

    private readonly RawRowSerializer serializer = RawRowSerializer.For(Entity.Interval);
    private readonly IntervalReadValidator validator = new(ValidationSettings.Default);
    private byte[] gzippedFile = [];
    private RawRow[] rows = [];
    private byte[][] events = [];

    [GlobalSetup]
    public void Setup()
    {
        gzippedFile = GzippedIntervalFile();
        rows = [.. ReadRows()];
        events = [.. rows.Select(row => serializer.Serialize(row))];
    }

    [Benchmark]
    public int ParseFile() => ReadRows().Count();

    /// <summary>The extractor's row loop without Kafka: each row's event and trimmed key from the line's bytes.</summary>
    [Benchmark]
    public int ExtractEvents()
    {
        var keyIndex = EntityLayout.For(Entity.Interval).KeyIndex;
        using var reader = InboundFileReader.Open(new MemoryStream(gzippedFile, writable: false), name);
        var bytes = 0;
        foreach (var row in reader.ReadRowViews())
        {
            bytes += serializer.Serialize(row).Length + row.TrimmedValue(keyIndex).ToArray().Length;
        }

        return bytes;
    }

    [Benchmark]
    public int EncodeAvro()
    {
        var bytes = 0;
        foreach (var row in rows)
        {
            bytes += serializer.Serialize(row).Length;
        }

        return bytes;
    }

    [Benchmark]
    public int DecodeAvro()
    {
        var values = 0;
        foreach (var single in events)
        {
            values += serializer.Deserialize(single).Values.Count;
        }

        return values;
    }

    [Benchmark]
    public int Validate()
    {
        var valid = 0;
        foreach (var row in rows)
        {
            if (validator.Validate(row).IsValid)
            {
                valid++;
            }
        }

        return valid;
    }

    /// <summary>The source-sequence guard the store applies: each row's sequence compared with the one it would replace.</summary>
    [Benchmark]
    public int SequenceGuard()
    {
        var work = 0;
        var previous = rows[0].Lineage.Sequence;
        foreach (var row in rows)
        {
            var sequence = row.Lineage.Sequence;
            if (sequence >= previous)
            {
                work++;
            }

            previous = sequence;
        }

        return work;
    }

    private IEnumerable<RawRow> ReadRows()
    {
        using var reader = InboundFileReader.Open(new MemoryStream(gzippedFile, writable: false), name);
        foreach (var row in reader.ReadRows())
        {
            yield return row;
        }
    }

    internal static byte[] GzippedIntervalFile()
    {
        var text = new StringBuilder("service_point_id\tdate\ttime\tusage_value\tunits\tis_estimate\tUTC_offset\tservice_type\tservice_quantity_identifier\n");
        var start = new DateTime(2025, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var meter = 0; meter < Meters; meter++)
        {
            for (var read = 1; read <= ReadsPerMeter; read++)
            {
                var end = start.AddMinutes(15 * read);
                text.Append(CultureInfo.InvariantCulture,
                    $"{3_000_000_000L + meter}\t{end:yyyyMMdd}\t{end:HHmm}\t{0.05 + (read % 40 * 0.003):F3}\tKWH\tA\t+0000\tELECTRIC\tCONSUMED\n");
            }
        }

        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text.ToString()));
        }

        return buffer.ToArray();
    }
}
