using OpowerStream.Domain;

namespace OpowerStream.Storage.Tests;

/// <summary>The file ledger role (<see cref="IFileLedgerStore"/>): entries, lookups by name or content, replaced content, on both stores.</summary>
public abstract partial class PipelineStoreTests
{
    [Fact]
    public async Task The_ledger_keeps_the_content_generation_the_re_sends_and_the_file_with_the_same_content()
    {
        var entry = Ledger(IntervalFile, FileStatus.Published, 3) with { ContentGeneration = 4, Resends = 2, SameContentAs = "opwr_earlier.gz" };

        await Store.RecordFileAsync(entry, CancellationToken.None);

        Assert.Equal(entry, Assert.Single(await Store.FindFilesAsync(IntervalFile, "none", CancellationToken.None)));
        var file = Assert.Single(await Store.GetFilesAsync(CancellationToken.None));
        Assert.Equal((2, "opwr_earlier.gz"), (file.Resends, file.SameContentAs));
    }

    [Fact]
    public async Task The_ledger_upserts_by_file_name_and_lists_files_by_name()
    {
        await Store.RecordFileAsync(Ledger("opwr_b_billing_account_20261120060000.gz", FileStatus.Processing, 0), CancellationToken.None);
        await Store.RecordFileAsync(Ledger("opwr_a_billing_account_20261120060000.gz", FileStatus.Processing, 0), CancellationToken.None);
        await Store.RecordFileAsync(Ledger("opwr_b_billing_account_20261120060000.gz", FileStatus.Published, 0), CancellationToken.None);

        var files = await Store.GetFilesAsync(CancellationToken.None);

        Assert.Equal(
            [("opwr_a_billing_account_20261120060000.gz", FileStatus.Processing, false), ("opwr_b_billing_account_20261120060000.gz", FileStatus.Published, true)],
            files.Select(file => (file.FileName, file.Status, file.Reconciles)).ToArray());
    }

    [Fact]
    public async Task The_ledger_finds_files_by_name_or_content_and_keeps_rows_published()
    {
        await Store.RecordFileAsync(
            Ledger("opwr_a_billing_account_20261120060000.gz", FileStatus.Published, 7) with { Sha256 = "aa", RowsPublished = 7 },
            CancellationToken.None);
        await Store.RecordFileAsync(Ledger("opwr_b_billing_account_20261120060000.gz", FileStatus.Processing, 0) with { Sha256 = "bb" }, CancellationToken.None);
        await Store.RecordFileAsync(Ledger("opwr_c_billing_account_20261120060000.gz", FileStatus.Published, 1) with { Sha256 = "aa" }, CancellationToken.None);

        var found = await Store.FindFilesAsync("opwr_b_billing_account_20261120060000.gz", "aa", CancellationToken.None);

        Assert.Equal(
            [("opwr_a_billing_account_20261120060000.gz", 7L, "aa"), ("opwr_b_billing_account_20261120060000.gz", 0L, "bb"), ("opwr_c_billing_account_20261120060000.gz", 0L, "aa")],
            found.Select(file => (file.FileName, file.RowsPublished, file.Sha256)).ToArray());
        Assert.Equal(Ledger("opwr_a_billing_account_20261120060000.gz", FileStatus.Published, 7) with { Sha256 = "aa", RowsPublished = 7 }, found[0]);
        Assert.Empty(await Store.FindFilesAsync("opwr_x_billing_account_20261120060000.gz", "cc", CancellationToken.None));
    }

    [Fact]
    public async Task New_content_under_a_known_name_drops_the_old_contents_counters_and_rejects()
    {
        await Store.RecordFileAsync(Ledger(IntervalFile, FileStatus.Published, rowsRead: 3), CancellationToken.None);
        await Store.ApplyIntervalsAsync(
            new StoreBatch<IntervalRead>(
                [Interval("SP1", 1m, line: 2)],
                [Reject(Entity.Interval, IntervalFile, line: 3)],
                [new(IntervalFile, 0, 2, false), new(IntervalFile, 0, 3, true), new(IntervalFile, 0, 4, false)]),
            CancellationToken.None);

        await Store.RecordReplacedFileAsync(Ledger(IntervalFile, FileStatus.Published, rowsRead: 2) with { Sha256 = "new" }, CancellationToken.None);
        await Store.ApplyIntervalsAsync(Processed([new(IntervalFile, 0, 2, false), new(IntervalFile, 0, 3, false)]), CancellationToken.None);

        var file = Assert.Single(await Store.GetFilesAsync(CancellationToken.None));
        Assert.Equal((2L, 2L, 0L, true), (file.RowsRead, file.RowsApplied, file.RowsRejected, file.Reconciles));
        Assert.Empty(await ToListAsync(Store.ReadRejectsAsync(CancellationToken.None)));
    }
}
