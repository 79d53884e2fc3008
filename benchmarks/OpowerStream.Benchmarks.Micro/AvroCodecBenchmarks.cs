using Avro.Generic;
using Avro.IO;
using BenchmarkDotNet.Attributes;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Domain.Files;

namespace OpowerStream.Benchmarks.Micro;

/// <summary>
/// One interval row event, RawRow to single-object bytes and back, by our span-based writer and reader
/// (RawRowSerializer, the hot path) against Apache.Avro 1.12: BinaryEncoder/BinaryDecoder called in
/// field order, and GenericDatumWriter/GenericDatumReader with a GenericRecord built from or mapped to
/// the row. Each figure is per row (1,000 rows per invocation); all four produce the same bytes.
/// </summary>
[MemoryDiagnoser]
public class AvroCodecBenchmarks
{
    private const int Rows = 1_000;

    private readonly RawRowSerializer serializer = RawRowSerializer.For(Entity.Interval);
    private RawRow[] rows = [];
    private byte[][] events = [];
    private byte[] header = [];
    private GenericDatumWriter<GenericRecord> datumWriter = null!;
    private GenericDatumReader<GenericRecord> datumReader = null!;
    private Avro.RecordSchema lineageSchema = null!;

    [GlobalSetup]
    public void Setup()
    {
        var name = InboundFileNames.TryParse("opwr_gec_res_v2-0-5_interval15_20251012060000.gz", out var parsed)
            ? parsed
            : throw new InvalidOperationException("the benchmark's file name must parse");
        using var reader = InboundFileReader.Open(new MemoryStream(IntervalRowBenchmarks.GzippedIntervalFile(), writable: false), name);
        rows = [.. reader.ReadRows().Take(Rows)];
        events = [.. rows.Select(row => serializer.Serialize(row))];
        header = events[0][..10];
        datumWriter = new GenericDatumWriter<GenericRecord>(serializer.CurrentSchema);
        datumReader = new GenericDatumReader<GenericRecord>(serializer.CurrentSchema, serializer.CurrentSchema);
        lineageSchema = (Avro.RecordSchema)serializer.CurrentSchema["lineage"].Schema;
        for (var i = 0; i < rows.Length; i++)
        {
            if (!events[i].AsSpan().SequenceEqual(EncodeWithBinaryEncoder(rows[i])) || !events[i].AsSpan().SequenceEqual(EncodeWithGenericDatumWriter(rows[i])))
            {
                throw new InvalidOperationException("Apache.Avro's bytes differ from ours: the comparison would be meaningless.");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public int EncodeOurs()
    {
        var bytes = 0;
        foreach (var row in rows)
        {
            bytes += serializer.Serialize(row).Length;
        }

        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public int EncodeApacheBinaryEncoder()
    {
        var bytes = 0;
        foreach (var row in rows)
        {
            bytes += EncodeWithBinaryEncoder(row).Length;
        }

        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public int EncodeApacheGenericDatumWriter()
    {
        var bytes = 0;
        foreach (var row in rows)
        {
            bytes += EncodeWithGenericDatumWriter(row).Length;
        }

        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public int DecodeOurs()
    {
        var values = 0;
        foreach (var single in events)
        {
            values += serializer.Deserialize(single).Values.Count;
        }

        return values;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public int DecodeApacheBinaryDecoder()
    {
        var values = 0;
        foreach (var single in events)
        {
            values += DecodeWithBinaryDecoder(single).Values.Count;
        }

        return values;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public int DecodeApacheGenericDatumReader()
    {
        var values = 0;
        foreach (var single in events)
        {
            values += DecodeWithGenericDatumReader(single).Values.Count;
        }

        return values;
    }

    private byte[] EncodeWithBinaryEncoder(RawRow row)
    {
        using var stream = new MemoryStream(256);
        stream.Write(header);
        var encoder = new BinaryEncoder(stream);
        encoder.WriteString(row.Lineage.SourceFile);
        encoder.WriteLong(row.Lineage.FileTimestamp);
        encoder.WriteLong(row.Lineage.Line);
        encoder.WriteInt(row.Lineage.ContentGeneration);
        foreach (var value in row.Values)
        {
            WriteNullableString(encoder, value);
        }

        if (row.Defect is { } defect)
        {
            encoder.WriteUnionIndex(1);
            encoder.WriteString(defect.Rule);
            WriteNullableString(encoder, defect.Field);
            encoder.WriteString(defect.Message);
            encoder.WriteString(defect.RawLine);
        }
        else
        {
            encoder.WriteUnionIndex(0);
        }

        return stream.ToArray();
    }

    private byte[] EncodeWithGenericDatumWriter(RawRow row)
    {
        var lineage = new GenericRecord(lineageSchema);
        lineage.Add("source_file", row.Lineage.SourceFile);
        lineage.Add("file_timestamp", row.Lineage.FileTimestamp);
        lineage.Add("line", row.Lineage.Line);
        lineage.Add("content_generation", row.Lineage.ContentGeneration);
        var record = new GenericRecord(serializer.CurrentSchema);
        record.Add(0, lineage);
        for (var i = 0; i < row.Values.Count; i++)
        {
            record.Add(i + 1, row.Values[i]);
        }

        record.Add(row.Values.Count + 1, null); // row_defect: the benchmark's rows have none
        using var stream = new MemoryStream(256);
        stream.Write(header);
        datumWriter.Write(record, new BinaryEncoder(stream));
        return stream.ToArray();
    }

    private static RawRow DecodeWithBinaryDecoder(byte[] single)
    {
        var decoder = new BinaryDecoder(new MemoryStream(single, 10, single.Length - 10, writable: false));
        var lineage = new Lineage(decoder.ReadString(), decoder.ReadLong(), decoder.ReadLong(), decoder.ReadInt());
        var values = new string?[EntityLayout.Interval.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = decoder.ReadUnionIndex() == 0 ? null : decoder.ReadString();
        }

        var defect = decoder.ReadUnionIndex() == 0
            ? null
            : new RowDefect(decoder.ReadString(), decoder.ReadUnionIndex() == 0 ? null : decoder.ReadString(), decoder.ReadString(), decoder.ReadString());
        return new RawRow(lineage, values, defect);
    }

    private RawRow DecodeWithGenericDatumReader(byte[] single)
    {
        var record = datumReader.Read(null!, new BinaryDecoder(new MemoryStream(single, 10, single.Length - 10, writable: false)));
        var lineage = (GenericRecord)record.GetValue(0);
        var values = new string?[EntityLayout.Interval.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (string?)record.GetValue(i + 1);
        }

        var defect = record.GetValue(values.Length + 1) is GenericRecord found
            ? new RowDefect((string)found.GetValue(0), (string?)found.GetValue(1), (string)found.GetValue(2), (string)found.GetValue(3))
            : null;
        return new RawRow(new Lineage((string)lineage.GetValue(0), (long)lineage.GetValue(1), (long)lineage.GetValue(2), (int)lineage.GetValue(3)), values, defect);
    }

    private static void WriteNullableString(BinaryEncoder encoder, string? value)
    {
        if (value is null)
        {
            encoder.WriteUnionIndex(0);
        }
        else
        {
            encoder.WriteUnionIndex(1);
            encoder.WriteString(value);
        }
    }
}
