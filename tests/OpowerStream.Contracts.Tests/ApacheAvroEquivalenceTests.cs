using System.Text;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;
using OpowerStream.Testing;

namespace OpowerStream.Contracts.Tests;

/// <summary>
/// Our hand-written encoder and decoder (the hot path) against Apache.Avro's GenericDatumWriter and
/// GenericDatumReader on many random events: the same bytes, and each side reads what the other wrote.
/// </summary>
public class ApacheAvroEquivalenceTests
{
    private const int RowsPerEntity = 500;

    // Astral characters (a surrogate pair each in .NET) next to BMP and ASCII text.
    private static readonly string[] Fragments = ["a", "Zürich", "⚡", "東京", "😀", "𝄞", "\t", "\"", "\0", " ", "é", "ß"];
    private static readonly long[] Longs = [0, 1, -1, 63, 64, -64, -65, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, 20260131235959];

    [Theory]
    [MemberData(nameof(SampleRows.Entities), MemberType = typeof(SampleRows))]
    public void Our_row_events_are_byte_identical_to_apache_avros_and_each_reads_the_other(Entity entity)
    {
        var serializer = RawRowSerializer.For(entity);
        var random = new Random(20261130 + (int)entity);

        for (var i = 0; i < RowsPerEntity; i++)
        {
            var row = RandomRow(random, entity);
            var ours = serializer.Serialize(row);
            var record = ApacheAvroEvents.Row(serializer.CurrentSchema, entity, row);
            var apacheBody = ApacheAvroEvents.Body(record);

            Assert.Equal(apacheBody, ours[SingleObjectEncoding.HeaderLength..]);
            Assert.Equal(record, ApacheAvroEvents.Read(serializer.CurrentSchema, ours[SingleObjectEncoding.HeaderLength..]));
            var decoded = serializer.Deserialize(ApacheAvroEvents.SingleObject(record));
            Assert.Equal(row.Lineage, decoded.Lineage);
            Assert.Equal(row.Values, decoded.Values);
            Assert.Equal(row.Defect, decoded.Defect);
        }
    }

    [Fact]
    public void Our_dead_letter_events_are_byte_identical_to_apache_avros_and_each_reads_the_other()
    {
        var serializer = RejectedRowSerializer.Instance;
        var random = new Random(20261201);

        for (var i = 0; i < RowsPerEntity; i++)
        {
            var entity = Enum.GetValues<Entity>()[random.Next(3)];
            var row = RandomRow(random, entity);
            var rejected = new RejectedRowEvent(entity, row.Lineage, RandomText(random), RandomNullableText(random),
                RandomText(random), RandomText(random), RawRowSerializer.For(entity).Serialize(row));
            var ours = serializer.Serialize(rejected);
            var record = ApacheAvroEvents.Rejected(serializer.CurrentSchema, rejected);

            Assert.Equal(ApacheAvroEvents.Body(record), ours[SingleObjectEncoding.HeaderLength..]);
            Assert.Equal(record, ApacheAvroEvents.Read(serializer.CurrentSchema, ours[SingleObjectEncoding.HeaderLength..]));
            var decoded = serializer.Deserialize(ApacheAvroEvents.SingleObject(record));
            Assert.Equal(rejected with { OriginalEvent = decoded.OriginalEvent }, decoded);
            Assert.Equal(rejected.OriginalEvent, decoded.OriginalEvent);
        }
    }

    private static RawRow RandomRow(Random random, Entity entity)
    {
        var lineage = new Lineage(
            RandomText(random),
            Longs[random.Next(Longs.Length)],
            random.Next(2) == 0 ? random.NextInt64() : Longs[random.Next(Longs.Length)],
            random.Next(3) switch { 0 => 1, 1 => random.Next(2, 200), _ => (int)Longs[random.Next(9)] });
        var values = new string?[EntityLayout.For(entity).Columns.Count];
        if (random.Next(5) == 0)
        {
            return new RawRow(lineage, values, new RowDefect(RandomText(random), RandomNullableText(random), RandomText(random), RandomText(random)));
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] = RandomNullableText(random);
        }

        return new RawRow(lineage, values);
    }

    private static string? RandomNullableText(Random random) => random.Next(4) == 0 ? null : RandomText(random);

    /// <summary>Empty, short or (now and then) long text mixing ASCII, two- to four-byte UTF-8 and control characters.</summary>
    private static string RandomText(Random random)
    {
        var length = random.Next(10) switch
        {
            0 => 0,
            1 => random.Next(1_000, 20_000),
            _ => random.Next(1, 12),
        };
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            text.Append(Fragments[random.Next(Fragments.Length)]);
        }

        return text.ToString();
    }
}
