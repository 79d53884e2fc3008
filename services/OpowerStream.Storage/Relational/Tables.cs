using System.Globalization;
using OpowerStream.Domain;
using OpowerStream.Domain.Completeness;
using OpowerStream.Storage.Batching;
using static OpowerStream.Storage.Relational.ColumnType;

namespace OpowerStream.Storage.Relational;

/// <summary>The materialized tables both stores share (their DDL lives in each store's migrations).</summary>
internal static class Tables
{
    private static readonly Column[] SequenceColumns =
    [
        new(SequenceColumn.Timestamp, BigInt),
        new(SequenceColumn.File, Text),
        new(SequenceColumn.Generation, Integer),
        new(SequenceColumn.Line, BigInt),
    ];

    public static readonly StoreTable<IntervalRead> Intervals = new(
        "intervals",
        [
            new("service_point_id", Text), new("service_quantity_identifier", Text), new("units", Text),
            new("interval_minutes", Integer), new("interval_end_utc", Timestamp),
        ],
        [new("usage_value", Numeric), new("is_estimate", Text), new("service_type", Text), .. SequenceColumns],
        ConflictRule.KeepLatestSequence,
        row =>
        [
            row.ServicePointId, row.ServiceQuantityIdentifier, row.Units, row.IntervalMinutes, row.IntervalEndUtc,
            row.UsageValue, EstimateText(row.IsEstimate), row.ServiceType, .. SequenceValues(row.Sequence),
        ],
        row => new IntervalRead(
            row.Text(0), row.Text(1), row.Text(2), row.Int32(3), row.Utc(4),
            row.Decimal(5), row.Text(6)[0], row.NullableText(7), row.Sequence(8)));

    /// <summary>Per series and local day; a written row is an increment of the stored counters.</summary>
    public static readonly StoreTable<DayCount> IntervalCompleteness = new(
        "interval_completeness",
        [
            new("service_point_id", Text), new("service_quantity_identifier", Text), new("units", Text),
            new("interval_minutes", Integer), new("local_date", Text),
        ],
        [new("received", BigInt), new("estimated", BigInt)],
        ConflictRule.Accumulate,
        row =>
        [
            row.Series.ServicePointId, row.Series.ServiceQuantityIdentifier, row.Series.Units, row.Series.IntervalMinutes,
            LocalDateText(row.Day), row.Received, row.Estimated,
        ],
        row => new DayCount(
            new IntervalSeries(row.Text(0), row.Text(1), row.Text(2), row.Int32(3)),
            LocalDate(row.Text(4)), row.Int64(5), row.Int64(6)));

    public static readonly StoreTable<ServiceQuantity> ServiceQuantities = new(
        "service_quantities",
        [
            new("bill_segment_id", Text), new("unit_of_measure", Text), new("time_of_use", Text),
            new("service_quantity_identifier", Text),
        ],
        [
            new("bill_id", Text), new("start_utc", Timestamp), new("end_utc", Timestamp),
            new("billed_quantity", Numeric), new("updated_at_utc", Timestamp), .. SequenceColumns,
        ],
        ConflictRule.KeepLatestSequence,
        row =>
        [
            row.BillSegmentId, row.UnitOfMeasure, row.TimeOfUse, row.ServiceQuantityIdentifier,
            row.BillId, row.StartUtc, row.EndUtc, row.BilledQuantity, row.UpdatedAtUtc, .. SequenceValues(row.Sequence),
        ],
        row => new ServiceQuantity(
            row.Text(0), row.Text(1), row.Text(2), row.Text(3),
            row.Text(4), row.Utc(5), row.Utc(6), row.Decimal(7), row.NullableUtc(8), row.Sequence(9)));

    public static readonly StoreTable<AgreementRateVersion> RateVersions = new(
        "rate_versions",
        [new("service_agreement_id", Text), new("effective_utc", Timestamp)],
        [new("rate_code", Text), new("updated_at_utc", Timestamp), new("account_id", Text), .. SequenceColumns],
        ConflictRule.KeepLatestSequence,
        row =>
        [
            row.ServiceAgreementId, row.Version.EffectiveUtc,
            row.Version.RateCode, row.Version.UpdatedAtUtc, row.Version.AccountId, .. SequenceValues(row.Version.Sequence),
        ],
        row => new AgreementRateVersion(
            row.Text(0),
            new(row.Utc(1), row.Text(2), row.NullableUtc(3), row.NullableText(4), row.Sequence(5))));

    public static readonly StoreTable<RateAuditEntry> RateAudit = new(
        "rate_audit",
        [new("service_agreement_id", Text), new("effective_utc", Timestamp), .. SequenceColumns],
        [new("rate_code", Text)],
        ConflictRule.Ignore,
        row => [row.ServiceAgreementId, row.EffectiveUtc, .. SequenceValues(row.Sequence), row.RateCode],
        row => new RateAuditEntry(row.Text(0), row.Utc(1), row.Text(6), row.Sequence(2)));

    public static readonly StoreTable<RejectRecord> Rejects = new(
        "rejects",
        [new("entity", Text), new("source_file", Text), new("line", BigInt)],
        [
            new("file_timestamp", BigInt), new("rule", Text), new("field", Text), new("message", Text), new("raw_row", Text),
            new("original_event", Text), new("content_generation", Integer),
        ],
        ConflictRule.Ignore,
        row =>
        [
            row.Entity, row.Lineage.SourceFile, row.Lineage.Line,
            row.Lineage.FileTimestamp, row.Rule, row.Field, row.Message, row.RawRow, row.OriginalEvent, row.Lineage.ContentGeneration,
        ],
        row => new RejectRecord(
            row.Text(0), new Lineage(row.Text(1), row.Int64(3), row.Int64(2), row.Int32(9)),
            row.Text(4), row.NullableText(5), row.Text(6), row.Text(7), row.NullableText(8)));

    public static readonly StoreTable<ConsumerMember> ConsumerMembers = new(
        "consumer_members",
        [new("group_id", Text), new("member_id", Text)],
        [new("host", Text), new("process_id", Integer), new("started_at", Timestamp), new("last_heartbeat", Timestamp)],
        ConflictRule.Replace,
        row => [row.GroupId, row.MemberId, row.Host, row.ProcessId, row.StartedAt, row.LastHeartbeat],
        row => new ConsumerMember(row.Text(0), row.Text(1), row.Text(2), row.Int32(3), row.Utc(4), row.Utc(5)));

    public static readonly StoreTable<FileLedgerEntry> FileLedger = new(
        "file_ledger",
        [new("file_name", Text)],
        [
            new("entity", Text), new("size_bytes", BigInt), new("sha256", Text), new("status", Text),
            new("rows_read", BigInt), new("refusal_reason", Text), new("refusal_message", Text),
            new("started_at", Timestamp), new("completed_at", Timestamp), new("rows_published", BigInt),
            new("content_generation", Integer), new("resends", Integer), new("same_content_as", Text),
        ],
        ConflictRule.Replace,
        row =>
        [
            row.FileName, row.Entity, row.SizeBytes, row.Sha256, row.Status.ToString(),
            row.RowsRead, row.RefusalReason, row.RefusalMessage, row.StartedAt.UtcDateTime, row.CompletedAt?.UtcDateTime,
            row.RowsPublished, row.ContentGeneration, row.Resends, row.SameContentAs,
        ],
        row => new FileLedgerEntry(
            row.Text(0), row.NullableText(1), row.Int64(2), row.Text(3), Enum.Parse<FileStatus>(row.Text(4)),
            row.Int64(5), row.NullableText(6), row.NullableText(7),
            new DateTimeOffset(row.Utc(8)), row.NullableUtc(9) is { } completed ? new DateTimeOffset(completed) : null)
        {
            RowsPublished = row.Int64(10),
            ContentGeneration = row.Int32(11),
            Resends = row.Int32(12),
            SameContentAs = row.NullableText(13),
        });

    /// <summary>Local dates are stored as text that sorts like the dates (no date type in SQLite).</summary>
    public const string LocalDateFormat = "yyyy-MM-dd";

    public static string LocalDateText(DateOnly day) => day.ToString(LocalDateFormat, CultureInfo.InvariantCulture);

    public static DateOnly LocalDate(string text) => DateOnly.ParseExact(text, LocalDateFormat, CultureInfo.InvariantCulture);

    // The flags the validator admits, as strings allocated once instead of once per row.
    private static string EstimateText(char flag) => flag switch
    {
        'A' => "A",
        'E' => "E",
        'U' => "U",
        _ => flag.ToString(),
    };

    private static object[] SequenceValues(SourceSequence sequence) =>
        [sequence.FileTimestamp, sequence.SourceFile, sequence.ContentGeneration, sequence.Line];
}
