namespace OpowerStream.Extractor;

/// <summary>
/// The landing folder: which files are there, and where each ends up. A file is only ever moved as
/// a whole (rename within the file system), never copied half-way; its done marker goes with it.
/// </summary>
public sealed class Inbox(ExtractorOptions options)
{
    /// <summary>
    /// Regular files directly in the inbox. Hidden files, partial uploads, done markers and symbolic
    /// links are not inbound files (a link could point outside the inbox).
    /// </summary>
    public IReadOnlyList<FileInfo> ReadyFiles()
    {
        var inbox = new DirectoryInfo(options.Inbox);
        if (!inbox.Exists)
        {
            throw new DirectoryNotFoundException($"The inbox folder '{inbox.FullName}' does not exist.");
        }

        return inbox.EnumerateFiles()
            .Where(f => f.LinkTarget is null
                && !f.Name.StartsWith('.')
                && !f.Name.EndsWith(".part", StringComparison.OrdinalIgnoreCase)
                && !f.Name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase)
                && !f.Name.EndsWith(ExtractorOptions.DoneMarkerSuffix, StringComparison.OrdinalIgnoreCase))
            .ToList();
    }

    /// <summary>Whether the sender wrote the file's done marker <c>&lt;name&gt;.done</c>.</summary>
    public static bool HasDoneMarker(FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return File.Exists(MarkerPath(file.FullName));
    }

    public void MarkProcessed(FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        MoveInto(file, options.ProcessedPath);
    }

    public void MarkRefused(FileInfo file, string reason, string detail)
    {
        ArgumentNullException.ThrowIfNull(file);
        var target = MoveInto(file, options.RefusedPath);
        File.WriteAllText(target + ".reason.txt", $"{reason}\n{detail}\n");
    }

    /// <summary>Moves a true re-send out of the inbox, with a reason file saying which published file it repeats.</summary>
    public void MarkDuplicate(FileInfo file, string detail)
    {
        ArgumentNullException.ThrowIfNull(file);
        var target = MoveInto(file, options.DuplicatePath);
        File.WriteAllText(target + ".reason.txt", $"duplicate\n{detail}\n");
    }

    private static string MarkerPath(string path) => path + ExtractorOptions.DoneMarkerSuffix;

    private static string MoveInto(FileInfo file, string folder)
    {
        Directory.CreateDirectory(folder);
        var marker = MarkerPath(file.FullName);
        var target = Path.Combine(folder, file.Name);
        file.MoveTo(target, overwrite: true);
        if (File.Exists(marker))
        {
            File.Move(marker, MarkerPath(target), overwrite: true);
        }

        return target;
    }
}
