namespace OpowerStream.Extractor;

/// <summary>
/// Asked by the extractor between chunks of a file's rows: may it publish more now? An embedded run
/// on a broker with tiny retention answers from the consumers' lag, so no record is trimmed before it
/// was applied; with real Kafka nothing needs to wait.
/// </summary>
public interface IPublishGate
{
    ValueTask WaitUntilOpenAsync(CancellationToken ct);
}

/// <summary>The gate of a broker whose retention outlasts any consumer lag: always open.</summary>
public sealed class OpenPublishGate : IPublishGate
{
    public ValueTask WaitUntilOpenAsync(CancellationToken ct) => ValueTask.CompletedTask;
}
