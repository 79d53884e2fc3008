using System.Globalization;
using System.Text.Json;
using OpowerStream.Kafka;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// <c>status --output json</c>: the same facts as <see cref="StatusReport"/> as one JSON document for scripts.
/// The shape is a contract documented in README ("status --output json"): add fields, never rename or remove them.
/// </summary>
public static class StatusJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static void Write(TextWriter output, StatusData status)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(status);
        var document = new StatusDocument(
            status.AllReconcile,
            [.. status.Files.Select(f => new FileJson(
                f.FileName, f.Entity, StatusReport.StatusName(f.Status), f.RefusalReason, f.RefusalMessage,
                f.RowsRead, f.RowsApplied, f.RowsRejected, f.Reconciles, f.Resends, f.SameContentAs))],
            status.Entities(),
            [.. status.Members.Select(m => new ConsumerJson(m.GroupId, m.MemberId, m.Host, m.ProcessId, Utc(m.StartedAt), Utc(m.LastHeartbeat)))],
            status.Lag?.Select(e => new LagJson(e.Entity, e.GroupId, [.. e.Partitions.Select(p => new PartitionLagJson(
                p.Partition, p.CommittedOffset == ConsumerLag.NoCommittedOffset ? null : p.CommittedOffset, p.HighWatermark, p.Lag))])).ToList(),
            new RejectsJson(status.RejectCount, [.. status.LastRejects.Select(r => new RejectJson(
                r.Entity, r.Lineage.SourceFile, r.Lineage.Line, r.Rule, r.Field, r.Message))]),
            new CompletenessJson(
                status.Completeness.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), status.Completeness.TimeZone, status.Completeness.Kinds));
        output.WriteLine(JsonSerializer.Serialize(document, Options));
    }

    private static string Utc(DateTime time) => time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private sealed record StatusDocument(
        bool Reconciles,
        IReadOnlyList<FileJson> Files,
        IReadOnlyList<EntityTotals> Entities,
        IReadOnlyList<ConsumerJson> Consumers,
        IReadOnlyList<LagJson>? Lag,
        RejectsJson Rejects,
        CompletenessJson Completeness);

    /// <summary>Interval completeness on the last full local day, per kind of series (as the text's completeness table).</summary>
    private sealed record CompletenessJson(string Day, string TimeZone, IReadOnlyList<KindCompleteness> Kinds);

    private sealed record FileJson(
        string FileName, string? Entity, string Status, string? RefusalReason, string? RefusalMessage,
        long RowsRead, long RowsApplied, long RowsRejected, bool Reconciles, int Duplicates, string? SameContentAs);

    private sealed record ConsumerJson(string Group, string Member, string Host, int Pid, string StartedAt, string LastHeartbeat);

    private sealed record LagJson(string Entity, string Group, IReadOnlyList<PartitionLagJson> Partitions);

    /// <summary><see cref="Committed"/> is null while the group has committed nothing in the partition.</summary>
    private sealed record PartitionLagJson(int Partition, long? Committed, long End, long Lag);

    private sealed record RejectsJson(long Total, IReadOnlyList<RejectJson> Latest);

    private sealed record RejectJson(string Entity, string File, long Line, string Rule, string? Field, string Message);
}
