using System.Globalization;
using OpowerStream.Extractor;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary>The end-of-run report: one line per file with its reconciliation, then the totals.</summary>
public static class RunSummary
{
    public static void Print(TextWriter output, IReadOnlyList<FileOutcome> outcomes, IReadOnlyList<FileReconciliation> files)
    {
        var byName = files.ToDictionary(f => f.FileName, StringComparer.Ordinal);
        foreach (var outcome in outcomes)
        {
            output.WriteLine(outcome.Kind switch
            {
                FileOutcomeKind.Duplicate => DuplicateLine(outcome),
                _ when byName.TryGetValue(outcome.FileName, out var file) => Line(file),
                _ => Invariant($"{outcome.FileName}: failed: {outcome.Reason}"),
            });
        }

        // A duplicate's name is a published ledger entry too: its rows were counted when it was first published.
        var handled = outcomes.Where(o => o.Kind != FileOutcomeKind.Duplicate).Select(o => o.FileName).ToHashSet(StringComparer.Ordinal);
        var published = files.Where(f => f.Status == FileStatus.Published && handled.Contains(f.FileName)).ToList();
        output.WriteLine(Invariant(
            $"Files: {outcomes.Count} ({published.Count} published, {files.Count(f => f.Status == FileStatus.Refused && handled.Contains(f.FileName))} refused, {Count(outcomes, FileOutcomeKind.Duplicate)} duplicate, {Count(outcomes, FileOutcomeKind.Failed)} failed)"));
        output.WriteLine(Invariant(
            $"Rows: {published.Sum(f => f.RowsRead)} read, {published.Sum(f => f.RowsApplied)} applied, {published.Sum(f => f.RowsRejected)} rejected"));
    }

    /// <summary>What the extractor alone can tell: one line per file, then the totals.</summary>
    public static void PrintOutcomes(TextWriter output, IReadOnlyList<FileOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            output.WriteLine(outcome.Kind switch
            {
                FileOutcomeKind.Published => Invariant($"{outcome.FileName}: published {outcome.Rows} rows"),
                FileOutcomeKind.Refused => Invariant($"{outcome.FileName}: refused: {outcome.Reason}"),
                FileOutcomeKind.Duplicate => DuplicateLine(outcome),
                _ => Invariant($"{outcome.FileName}: failed: {outcome.Reason}"),
            });
        }

        output.WriteLine(Invariant(
            $"Files: {outcomes.Count} ({Count(outcomes, FileOutcomeKind.Published)} published, {Count(outcomes, FileOutcomeKind.Refused)} refused, {Count(outcomes, FileOutcomeKind.Duplicate)} duplicate, {Count(outcomes, FileOutcomeKind.Failed)} failed); rows published: {outcomes.Sum(o => o.Rows)}"));
    }

    private static int Count(IReadOnlyList<FileOutcome> outcomes, FileOutcomeKind kind) => outcomes.Count(o => o.Kind == kind);

    private static string DuplicateLine(FileOutcome outcome) => Invariant($"{outcome.FileName}: duplicate: {outcome.Reason}");

    private static string Line(FileReconciliation file) => file.Status == FileStatus.Refused
        ? Invariant($"{file.FileName}: refused: {file.RefusalReason}: {file.RefusalMessage}")
        : Invariant($"{file.FileName}: {file.Entity}: {file.RowsRead} read = {file.RowsApplied} applied + {file.RowsRejected} rejected ({(file.Reconciles ? "reconciled" : "NOT reconciled")}){SameContentNote(file)}");

    private static string SameContentNote(FileReconciliation file) =>
        file.SameContentAs is { } earlier ? $"; same content as {earlier}" : "";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
