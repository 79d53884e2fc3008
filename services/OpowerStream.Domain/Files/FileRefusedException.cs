namespace OpowerStream.Domain.Files;

/// <summary>
/// The whole file is refused (spec section 6, file-level refusals): nothing after the refusal is
/// read. <see cref="Reason"/> is a <see cref="RuleCodes"/> or <see cref="FileRefusalReasons"/> code.
/// </summary>
public sealed class FileRefusedException : Exception
{
    public FileRefusedException(string fileName, string reason, string detail, Exception? innerException = null)
        : base($"{fileName}: {reason}: {detail}", innerException)
    {
        FileName = fileName;
        Reason = reason;
        Detail = detail;
    }

    public string FileName { get; }

    public string Reason { get; }

    public string Detail { get; }
}

/// <summary>File-level refusal codes the reader adds to those of spec section 6.</summary>
public static class FileRefusalReasons
{
    /// <summary>
    /// [our rule] A header naming a used column twice is ambiguous (which value is meant?), so the
    /// file is refused rather than guessing. Unknown columns may repeat: they are ignored anyway.
    /// </summary>
    public const string DuplicateColumn = "duplicate_column";
}
