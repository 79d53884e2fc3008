using Confluent.Kafka;

namespace OpowerStream.Kafka;

/// <summary>
/// Marks a row event that <c>redrive</c> re-published from the rejects. Its consumer applies it like any other
/// row, but knows it was counted once already (as rejected) in its file's reconciliation.
/// </summary>
public static class RedriveHeader
{
    public const string Name = "opowerstream.redrive";

    public static bool IsOn(Headers? headers) => headers is not null && headers.TryGetLastBytes(Name, out _);
}
