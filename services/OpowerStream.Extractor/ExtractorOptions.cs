using System.ComponentModel.DataAnnotations;

namespace OpowerStream.Extractor;

public sealed class ExtractorOptions
{
    public const string Section = "Extractor";

    /// <summary>The landing folder the utility drops files into.</summary>
    [Required(ErrorMessage = "Extractor:Inbox is required: the folder inbound files are dropped into.")]
    public string Inbox { get; set; } = "";

    /// <summary>Where fully published files go; default <c>INBOX/processed</c>.</summary>
    public string? ProcessedFolder { get; set; }

    /// <summary>Where refused files go, each with a <c>.reason.txt</c> beside it; default <c>INBOX/refused</c>.</summary>
    public string? RefusedFolder { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Process the files present at start, then stop watching (the <c>run --once</c> mode).</summary>
    public bool Once { get; set; }

    /// <summary>
    /// Backpressure for brokers with tiny retention (the embedded one): the extractor pauses while
    /// any consumer group lags more than this many records on a partition. 0 turns it off.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxConsumerLag { get; set; }

    public string ProcessedPath => ProcessedFolder ?? Path.Combine(Inbox, "processed");

    public string RefusedPath => RefusedFolder ?? Path.Combine(Inbox, "refused");
}
