using System.Globalization;
using OpowerStream.Extractor;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary>The end-of-run report: one line per file with its reconciliation, then the totals.</summary>
internal static class RunSummary
{
    public static void Print(TextWriter output, IReadOnlyList<FileOutcome> outcomes, IReadOnlyList<FileReconciliation> files)
    {
        var byName = files.ToDictionary(f => f.FileName, StringComparer.Ordinal);
        foreach (var outcome in outcomes)
        {
            output.WriteLine(byName.TryGetValue(outcome.FileName, out var file)
                ? Line(file)
                : Invariant($"{outcome.FileName}: failed: {outcome.Reason}"));
        }

        var published = files.Where(f => f.Status == FileStatus.Published).ToList();
        output.WriteLine(Invariant(
            $"Files: {outcomes.Count} ({published.Count} published, {files.Count(f => f.Status == FileStatus.Refused)} refused, {outcomes.Count(o => o.Kind == FileOutcomeKind.Failed)} failed)"));
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
                _ => Invariant($"{outcome.FileName}: failed: {outcome.Reason}"),
            });
        }

        output.WriteLine(Invariant(
            $"Files: {outcomes.Count} ({outcomes.Count(o => o.Kind == FileOutcomeKind.Published)} published, {outcomes.Count(o => o.Kind == FileOutcomeKind.Refused)} refused, {outcomes.Count(o => o.Kind == FileOutcomeKind.Failed)} failed); rows published: {outcomes.Sum(o => o.Rows)}"));
    }

    private static string Line(FileReconciliation file) => file.Status == FileStatus.Refused
        ? Invariant($"{file.FileName}: refused: {file.RefusalReason}: {file.RefusalMessage}")
        : Invariant($"{file.FileName}: {file.Entity}: {file.RowsRead} read = {file.RowsApplied} applied + {file.RowsRejected} rejected ({(file.Reconciles ? "reconciled" : "NOT reconciled")})");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
