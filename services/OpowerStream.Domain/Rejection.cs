namespace OpowerStream.Domain;

/// <summary>The first rule a row failed: rule code (spec section 6), the field and a human message.</summary>
public sealed record Rejection(string Rule, string? Field, string Message);

/// <summary>Rule codes of spec section 6.</summary>
public static class RuleCodes
{
    public const string MissingRequired = "missing_required";
    public const string TooLong = "too_long";
    public const string InvalidDecimal = "invalid_decimal";
    public const string InvalidDatetime = "invalid_datetime";
    public const string NonexistentLocalTime = "nonexistent_local_time";
    public const string AmbiguousLocalTime = "ambiguous_local_time";
    public const string InvalidEnum = "invalid_enum";
    public const string WrongColumnCount = "wrong_column_count";

    /// <summary>A line over InboundFileReaderLimits.MaxLineBytes: its own code, since its field count was never looked at.</summary>
    public const string LineTooLong = "line_too_long";
    public const string InvalidEncoding = "invalid_encoding";
    public const string MisalignedInterval = "misaligned_interval";
    public const string InvalidRange = "invalid_range";
    public const string NegativeUsage = "negative_usage";

    // File-level refusals.
    public const string UnrecognizedFileName = "unrecognized_file_name";
    public const string MissingColumn = "missing_column";
    public const string BadArchive = "bad_archive";
    public const string CorruptCompression = "corrupt_compression";
}
