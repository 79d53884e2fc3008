using System.Globalization;
using OpowerStream.Kafka;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary>One entity consumer group's lag, partition by partition.</summary>
public sealed record EntityLag(string Entity, string GroupId, IReadOnlyList<PartitionLag> Partitions);

/// <summary>One entity's files added up.</summary>
public sealed record EntityTotals(string Entity, int Files, long RowsRead, long RowsApplied, long RowsRejected, bool Reconciles, long Duplicates);

/// <summary>What <c>status</c> shows; <see cref="Lag"/> is null when no broker was given.</summary>
public sealed record StatusData(
    IReadOnlyList<FileReconciliation> Files,
    IReadOnlyList<ConsumerMember> Members,
    IReadOnlyList<RejectRecord> LastRejects,
    long RejectCount,
    IReadOnlyList<EntityLag>? Lag,
    CompletenessSummary Completeness)
{
    /// <summary>True when every file reconciles: none failed or is still in progress, and each one's rows add up.</summary>
    public bool AllReconcile => Files.All(f => f.Reconciles);

    public IReadOnlyList<EntityTotals> Entities() =>
        Files.Where(f => f.Entity is not null)
            .GroupBy(f => f.Entity!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new EntityTotals(
                g.Key, g.Count(), g.Sum(f => f.RowsRead), g.Sum(f => f.RowsApplied), g.Sum(f => f.RowsRejected),
                g.All(f => f.Reconciles), g.Sum(f => f.Resends)))
            .ToList();
}

/// <summary>
/// The operator's morning check as plain aligned text: every file's reconciliation, the totals per entity,
/// yesterday's interval completeness per kind of series, the consumers recorded in the store, the consumer
/// groups' lag (when a broker was given) and the most recent rejects.
/// </summary>
public static class StatusReport
{
    public const int RejectsShown = 10;

    public static void Write(TextWriter output, StatusData status, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(status);
        var (files, members, lastRejects, rejectCount, lag, completeness) = status;

        output.WriteLine(Invariant($"Files ({files.Count})"));
        // duplicates: true re-sends of the file that were skipped; same content as: information, the file was applied.
        WriteTable(output, ["file", "entity", "status", "read", "applied", "rejected", "reconciles", "duplicates", "same content as"],
            [false, false, false, true, true, true, false, true, false],
            files.Select(f => new[]
            {
                f.FileName, f.Entity ?? "-", Status(f), Number(f.RowsRead), Number(f.RowsApplied), Number(f.RowsRejected), YesNo(f.Reconciles),
                Number(f.Resends), f.SameContentAs ?? "-",
            }));

        output.WriteLine();
        output.WriteLine("Entities");
        WriteTable(output, ["entity", "files", "read", "applied", "rejected", "reconciles", "duplicates"], [false, true, true, true, true, false, true],
            status.Entities().Select(e => new[]
            {
                e.Entity, Number(e.Files), Number(e.RowsRead), Number(e.RowsApplied), Number(e.RowsRejected), YesNo(e.Reconciles), Number(e.Duplicates),
            }));

        output.WriteLine();
        output.WriteLine(Invariant($"Interval completeness on {completeness.Day:yyyy-MM-dd} (the last full day in {completeness.TimeZone})"));
        WriteTable(output, ["kind", "complete", "meters", "missing", "estimated"], [false, true, true, true, true],
            completeness.Kinds.Select(k => new[]
            {
                k.Kind, Number(k.Complete), Number(k.Meters), Number(k.Missing), Number(k.Estimated),
            }));

        output.WriteLine();
        output.WriteLine(Invariant($"Consumers ({members.Count})"));
        WriteTable(output, ["group", "host", "pid", "started", "heartbeat"], [false, false, true, false, true],
            members.Select(m => new[]
            {
                m.GroupId, m.Host, Number(m.ProcessId), m.StartedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                Invariant($"{(now - m.LastHeartbeat).TotalSeconds:0} s ago"),
            }));

        output.WriteLine();
        if (lag is null)
        {
            output.WriteLine("Consumer lag: not measured (give --bootstrap-servers or set Kafka:BootstrapServers)");
        }
        else
        {
            output.WriteLine("Consumer lag");
            WriteTable(output, ["entity", "group", "partition", "committed", "end", "lag"], [false, false, true, true, true, true],
                lag.SelectMany(e => e.Partitions.Select(p => new[]
                {
                    e.Entity, e.GroupId, Number(p.Partition),
                    p.CommittedOffset == ConsumerLag.NoCommittedOffset ? "none" : Number(p.CommittedOffset),
                    Number(p.HighWatermark), Number(p.Lag),
                })));
        }

        output.WriteLine();
        output.WriteLine(Invariant($"Last rejects ({lastRejects.Count} of {rejectCount})"));
        WriteTable(output, ["entity", "file", "line", "rule", "field", "message"], [false, false, true, false, false, false],
            lastRejects.Select(r => new[]
            {
                r.Entity, r.Lineage.SourceFile, Number(r.Lineage.Line), r.Rule, r.Field ?? "-", r.Message,
            }));
    }

    // A refused file has no row counts; its reason says why.
    private static string Status(FileReconciliation file) =>
        file.Status == FileStatus.Refused ? $"refused: {file.RefusalReason}" : StatusName(file.Status);

    /// <summary>The status as both outputs name it: <c>processing</c>, <c>published</c>, <c>refused</c>.</summary>
    internal static string StatusName(FileStatus status) => status.ToString().ToLowerInvariant();

    private static void WriteTable(TextWriter output, string[] header, bool[] rightAligned, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        foreach (var row in all)
        {
            var cells = row.Select((cell, column) => rightAligned[column] ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]));
            output.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string YesNo(bool value) => value ? "yes" : "NO";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
