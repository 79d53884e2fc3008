using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace OpowerStream.Contracts.Avro;

/// <summary>
/// Writes an Avro object container file (null codec), readable by any Avro implementation
/// (e.g. avro-c's <c>avrocat</c>): header with the schema and a sync marker, then blocks of datums.
/// </summary>
public sealed class AvroContainerFileWriter : IDisposable
{
    private const int BlockSizeTarget = 64 * 1024;
    private static readonly byte[] Magic = [(byte)'O', (byte)'b', (byte)'j', 1];

    private readonly Stream output;
    private readonly bool leaveOpen;
    private readonly byte[] syncMarker = RandomNumberGenerator.GetBytes(16);
    private readonly ArrayBufferWriter<byte> block = new();
    private readonly ArrayBufferWriter<byte> framing = new();
    private long blockCount;
    private bool disposed;

    /// <param name="output">Where the file goes.</param>
    /// <param name="schemaJson">The schema, stored in the header as given (docs included).</param>
    /// <param name="leaveOpen">Whether disposing the writer leaves <paramref name="output"/> open.</param>
    public AvroContainerFileWriter(Stream output, string schemaJson, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        Schema = AvroSchema.Parse(schemaJson);
        this.output = output;
        this.leaveOpen = leaveOpen;

        var header = new AvroWriter(framing);
        header.WriteFixed(Magic);
        header.WriteBlockCount(2);
        header.WriteString("avro.schema");
        header.WriteBytes(Encoding.UTF8.GetBytes(schemaJson));
        header.WriteString("avro.codec");
        header.WriteBytes("null"u8);
        header.WriteBlockCount(0);
        header.WriteFixed(syncMarker);
        WriteFraming();
    }

    public AvroSchema Schema { get; }

    public void Append(object? datum)
    {
        GenericDatum.Write(Schema, datum, new AvroWriter(block));
        EndDatum();
    }

    /// <summary>Appends a datum already encoded with <see cref="Schema"/>, e.g. the body of a single-object event.</summary>
    public void AppendEncoded(ReadOnlySpan<byte> datum)
    {
        new AvroWriter(block).WriteFixed(datum);
        EndDatum();
    }

    public void Flush()
    {
        if (blockCount > 0)
        {
            var frame = new AvroWriter(framing);
            frame.WriteLong(blockCount);
            frame.WriteLong(block.WrittenCount);
            WriteFraming();
            output.Write(block.WrittenSpan);
            output.Write(syncMarker);
            block.ResetWrittenCount();
            blockCount = 0;
        }

        output.Flush();
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Flush();
        if (!leaveOpen)
        {
            output.Dispose();
        }
    }

    private void EndDatum()
    {
        blockCount++;
        if (block.WrittenCount >= BlockSizeTarget)
        {
            Flush();
        }
    }

    private void WriteFraming()
    {
        output.Write(framing.WrittenSpan);
        framing.ResetWrittenCount();
    }
}
