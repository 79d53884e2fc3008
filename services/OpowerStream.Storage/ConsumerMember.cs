namespace OpowerStream.Storage;

/// <summary>
/// A running consumer instance as it records itself in the store: registered before it joins its Kafka
/// group, its <see cref="LastHeartbeat"/> refreshed every few seconds while it runs, removed after it left
/// the group on a clean shutdown. A killed instance leaves its record behind; its heartbeat goes stale.
/// </summary>
public sealed record ConsumerMember(
    string GroupId, string MemberId, string Host, int ProcessId, DateTime StartedAt, DateTime LastHeartbeat)
{
    /// <summary>True when the heartbeat is younger than <paramref name="staleAfter"/> at <paramref name="now"/>.</summary>
    public bool IsLive(DateTime now, TimeSpan staleAfter) => now - LastHeartbeat < staleAfter;
}
