using System.Diagnostics;
using System.Text;

namespace OpowerStream.Hosting;

/// <summary>
/// The pipeline's spans (ActivitySource <c>OpowerStream</c>): one per file the extractor handles, one per
/// batch a consumer applies, linked to the file spans whose rows it applies. A file's trace context also
/// travels on every row event as a W3C <c>traceparent</c> header, recorded or not.
/// </summary>
public static class PipelineTracing
{
    public const string SourceName = "OpowerStream";

    /// <summary>The extractor's span around one file.</summary>
    public const string FileSpan = "extract file";

    /// <summary>A consumer's span around one applied batch.</summary>
    public const string BatchSpan = "apply batch";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>
    /// The trace context a file's rows carry: its span's when one is recorded, else a fresh unsampled
    /// context (no listener creates no span, but the rows still need one trace id to share).
    /// </summary>
    public static ActivityContext FileContext(Activity? fileSpan) =>
        fileSpan?.Context ?? new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);

    /// <summary>The W3C <c>traceparent</c> value of <paramref name="context"/>, as ASCII bytes: <c>00-&lt;trace-id&gt;-&lt;span-id&gt;-&lt;flags&gt;</c>.</summary>
    public static byte[] TraceParent(ActivityContext context) =>
        Encoding.ASCII.GetBytes($"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(byte)context.TraceFlags:x2}");

    /// <summary>Reads a <c>traceparent</c> header value; false when it is not a valid W3C trace context.</summary>
    public static bool TryParseTraceParent(ReadOnlySpan<byte> value, out ActivityContext context) =>
        ActivityContext.TryParse(Encoding.ASCII.GetString(value), null, isRemote: true, out context);
}
