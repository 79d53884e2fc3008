using System.ComponentModel.DataAnnotations;

namespace OpowerStream.Consumers;

public sealed class ConsumerOptions
{
    public const string Section = "Consumers";

    /// <summary>Consumer groups are <c>PREFIX-rates</c>, <c>PREFIX-intervals</c>, <c>PREFIX-service-quantities</c>.</summary>
    [Required]
    public string GroupPrefix { get; set; } = "opowerstream";

    /// <summary>Records applied in one store transaction at most.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchSize { get; set; } = 5000;

    /// <summary>How long a batch waits to fill before it is applied anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between retries of a batch the store could not apply.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an error no retry can fix (a constraint, a privilege, a schema mismatch) may last before
    /// the process exits non-zero, for an orchestrator to restart it. Off (null) by default: the consumer
    /// keeps retrying, reports the error on <c>/readyz</c> and never acknowledges the batch.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan? ExitAfterPermanentFailure { get; set; }

    /// <summary>
    /// An exact group for an entity, overriding <c>PREFIX-entity</c>: <c>Consumers:Groups:intervals</c>
    /// (what <c>consume intervals --group G</c> sets).
    /// </summary>
    public Dictionary<string, string> Groups { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string GroupId(string entityName) =>
        Groups.TryGetValue(entityName, out var group) && !string.IsNullOrWhiteSpace(group) ? group : $"{GroupPrefix}-{entityName}";
}
