using System.ComponentModel.DataAnnotations;

namespace OpowerStream.Extractor;

/// <summary>How the extractor decides that a file in the inbox is completely written.</summary>
public enum FileCompleteness
{
    /// <summary>Size and last-write time unchanged for <see cref="ExtractorOptions.StableFor"/>.</summary>
    StableSize,

    /// <summary>A marker <c>&lt;name&gt;.done</c> exists beside the file (written by the sender after the file).</summary>
    DoneMarker,
}

public sealed class ExtractorOptions
{
    public const string Section = "Extractor";

    /// <summary>The suffix of a done marker: <c>&lt;name&gt;.done</c> says <c>&lt;name&gt;</c> is complete.</summary>
    public const string DoneMarkerSuffix = ".done";

    /// <summary>The landing folder the utility drops files into.</summary>
    [Required(ErrorMessage = "Extractor:Inbox is required: the folder inbound files are dropped into.")]
    public string Inbox { get; set; } = "";

    /// <summary>Where fully published files go; default <c>INBOX/processed</c>.</summary>
    public string? ProcessedFolder { get; set; }

    /// <summary>Where refused files go, each with a <c>.reason.txt</c> beside it; default <c>INBOX/refused</c>.</summary>
    public string? RefusedFolder { get; set; }

    /// <summary>Where true re-sends (a published file's name and content again) go, each with a <c>.reason.txt</c>; default <c>INBOX/duplicate</c>.</summary>
    public string? DuplicateFolder { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How a file is known to be complete before it is taken.</summary>
    [EnumDataType(typeof(FileCompleteness), ErrorMessage = "Extractor:Completeness must be StableSize or DoneMarker.")]
    public FileCompleteness Completeness { get; set; } = FileCompleteness.StableSize;

    /// <summary>With <see cref="FileCompleteness.StableSize"/>: how long size and last-write time must stay unchanged.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Extractor:StableFor must be between 00:00:00 and 01:00:00.")]
    public TimeSpan StableFor { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Publish a true re-send (a name whose same content the ledger shows published) again instead of skipping
    /// it as a duplicate (the operator's <c>--reprocess</c>).
    /// </summary>
    public bool Reprocess { get; set; }

    /// <summary>
    /// Send each row event's lineage (file, file timestamp, line) as Kafka headers too, for readers that
    /// route on headers without decoding Avro; the event body always carries it. A message with headers
    /// costs Confluent.Kafka and librdkafka about 1.5-2 us more to produce whatever their number and size
    /// (benchmarks/README.md), so a deployment whose readers all decode the body may turn them off.
    /// </summary>
    public bool LineageHeaders { get; set; } = true;

    /// <summary>
    /// With the lineage headers, send the file's trace context as a W3C <c>traceparent</c> header on each row
    /// event, so a consumer's batch span links to the file span (and any tracer downstream joins the file's
    /// trace). Its cost is measured in benchmarks/README.md; off sends the lineage headers alone.
    /// </summary>
    public bool TraceParentHeader { get; set; } = true;

    /// <summary>
    /// Process the files present at start, then stop watching (the <c>run --once</c> mode). It waits for
    /// files that are not yet complete; in <see cref="FileCompleteness.DoneMarker"/> mode it leaves files
    /// without a marker where they are.
    /// </summary>
    public bool Once { get; set; }

    /// <summary>
    /// Backpressure for brokers with tiny retention (the embedded one): the extractor pauses while
    /// any consumer group lags more than this many records on a partition. 0 turns it off.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxConsumerLag { get; set; }

    /// <summary>
    /// How long the extractor's hold on the inbox lasts unrenewed (it renews every third of it): a standby extractor
    /// on the same inbox and store takes over this long after the active one died (see <see cref="InboxLease"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Extractor:LeaseDuration must be between 00:00:01 and 00:05:00.")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    public string ProcessedPath => ProcessedFolder ?? Path.Combine(Inbox, "processed");

    public string RefusedPath => RefusedFolder ?? Path.Combine(Inbox, "refused");

    public string DuplicatePath => DuplicateFolder ?? Path.Combine(Inbox, "duplicate");
}
