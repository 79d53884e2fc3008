using OpowerStream.Domain;

namespace OpowerStream.Storage.Tests;

/// <summary>The operator role (<see cref="IOperatorStore"/>): what queries and exports read back, in order and exactly, on both stores.</summary>
public abstract partial class PipelineStoreTests
{
    [Fact]
    public async Task Rejects_are_unique_and_listed_with_refused_files_in_order()
    {
        await Store.RecordFileAsync(
            Ledger("opwr_gec_mystery_20261120060000.csv", FileStatus.Refused, rowsRead: 0) with
            {
                Entity = null,
                RefusalReason = RuleCodes.UnrecognizedFileName,
                RefusalMessage = "not an Opower file name",
            },
            CancellationToken.None);
        var batch = Batch<IntervalRead>(
            [],
            [Reject(Entity.Interval, IntervalFile, line: 7), Reject(Entity.Interval, IntervalFile, line: 3), Reject(Entity.Interval, IntervalFile, line: 7)]);
        await Store.ApplyIntervalsAsync(batch, CancellationToken.None);
        await Store.ApplyIntervalsAsync(batch, CancellationToken.None);

        var rejects = await ToListAsync(Store.ReadRejectsAsync(CancellationToken.None));

        Assert.Equal(
            [("file", "opwr_gec_mystery_20261120060000.csv", 0L), ("intervals", IntervalFile, 3L), ("intervals", IntervalFile, 7L)],
            rejects.Select(reject => (reject.Entity, reject.Lineage.SourceFile, reject.Lineage.Line)).ToArray());
        Assert.Equal((RuleCodes.UnrecognizedFileName, null, "not an Opower file name"), (rejects[0].Rule, rejects[0].Field, rejects[0].Message));
        Assert.Equal(Reject(Entity.Interval, IntervalFile, line: 3), rejects[1]);
    }

    [Fact]
    public async Task Intervals_are_read_in_composite_key_order()
    {
        await Store.ApplyIntervalsAsync(
            Batch(
            [
                Interval("b", 1m, line: 2), Interval("B", 2m, line: 3), Interval("B", 3m, line: 4) with { Units = "KWH" },
                Interval("B", 4m, line: 5) with { IntervalEndUtc = End.AddMinutes(-15) },
            ]),
            CancellationToken.None);

        var values = (await ReadIntervalsAsync()).Select(read => read.UsageValue).ToArray();

        Assert.Equal([3m, 4m, 2m, 1m], values);
    }

    [Theory]
    [InlineData("999999999999.999999")]
    [InlineData("-999999999999.999999")]
    [InlineData("-0.000001")]
    [InlineData("0")]
    public async Task Decimals_round_trip_exactly(string text)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        await Store.ApplyIntervalsAsync(Batch([Interval("SP1", value, line: 2)]), CancellationToken.None);

        var read = Assert.Single(await ReadIntervalsAsync());

        Assert.Equal(value, read.UsageValue);
        Assert.Equal(End, read.IntervalEndUtc);
        Assert.Equal(DateTimeKind.Utc, read.IntervalEndUtc.Kind);
    }
}
