namespace OpowerStream.Contracts;

/// <summary>
/// The Kafka header names of the pipeline's events, in one place: what the extractor puts on every row
/// event, what <c>redrive</c> adds, and what a dead letter carries.
/// </summary>
public static class EventHeaders
{
    /// <summary>The row's source file name (lineage, also in the event body).</summary>
    public const string File = "opower.file";

    /// <summary>The source file's timestamp, <c>yyyyMMddHHmmss</c>.</summary>
    public const string FileTimestamp = "opower.file_timestamp";

    /// <summary>The row's line in its file.</summary>
    public const string Line = "opower.line";

    /// <summary>Which content of a re-sent file name the row belongs to.</summary>
    public const string ContentGeneration = "opower.content_generation";

    /// <summary>
    /// The W3C trace context (<c>00-&lt;trace-id&gt;-&lt;span-id&gt;-&lt;flags&gt;</c>) of the file span that
    /// published the row event; sent with the lineage headers.
    /// </summary>
    public const string TraceParent = "traceparent";

    /// <summary>On a row event re-published from the rejects by <c>redrive</c>: it was counted once already.</summary>
    public const string Redrive = "opowerstream.redrive";

    /// <summary>The lineage headers a dead letter copies through from the event it replaces.</summary>
    public static IReadOnlyList<string> Lineage { get; } = [File, FileTimestamp, Line, ContentGeneration];
}

/// <summary>
/// The context headers of a dead letter, modelled on Kafka Connect's <c>__connect.errors.*</c>: why the
/// event was refused and where it was read, so the dead-letter topic explains itself without the store.
/// Values are UTF-8 text (numbers in invariant culture).
/// </summary>
public static class DeadLetterHeaders
{
    private const string Prefix = "opowerstream.errors.";

    /// <summary>The rule code (spec section 6), or <c>undecodable_event</c> for poison.</summary>
    public const string Rule = Prefix + "rule";

    /// <summary>The field that failed the rule; absent when the rule is about the whole event.</summary>
    public const string Field = Prefix + "field";

    /// <summary>The human-readable reason.</summary>
    public const string Message = Prefix + "message";

    /// <summary>The topic the refused event was read from.</summary>
    public const string Topic = Prefix + "topic";

    /// <summary>Its partition.</summary>
    public const string Partition = Prefix + "partition";

    /// <summary>Its offset.</summary>
    public const string Offset = Prefix + "offset";
}
