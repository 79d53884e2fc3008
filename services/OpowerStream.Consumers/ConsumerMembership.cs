using Microsoft.Extensions.Logging;
using OpowerStream.Hosting;
using OpowerStream.Storage;

namespace OpowerStream.Consumers;

/// <summary>
/// A consumer instance's own record in the store (group, member id, host, pid, heartbeat), so that
/// <c>replay</c> can tell that a group is in use without joining it (the embedded broker cannot list a
/// group's members). Recorded before the consumer joins its group, refreshed every
/// <see cref="HeartbeatInterval"/>, removed after the consumer left the group. Store failures are logged
/// and retried at the next heartbeat: they never stop the consumer.
/// </summary>
internal sealed class ConsumerMembership : IAsyncDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    private readonly IMembershipStore store;
    private readonly ILogger logger;
    private readonly string entityName;
    private readonly CancellationTokenSource stop = new();
    private readonly Task heartbeats;
    private ConsumerMember member;

    private ConsumerMembership(IMembershipStore store, string groupId, string entityName, ILogger logger)
    {
        this.store = store;
        this.logger = logger;
        this.entityName = entityName;
        var now = DateTime.UtcNow;
        member = new ConsumerMember(
            groupId, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", Environment.MachineName,
            Environment.ProcessId, now, now);
        heartbeats = Task.Run(() => HeartbeatAsync(stop.Token));
    }

    /// <summary>Records the member (waiting for the first write) and starts its heartbeats.</summary>
    public static async Task<ConsumerMembership> StartAsync(IMembershipStore store, string groupId, string entityName, ILogger logger, CancellationToken ct)
    {
        var membership = new ConsumerMembership(store, groupId, entityName, logger);
        await membership.RecordAsync(ct).ConfigureAwait(false);
        return membership;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await heartbeats.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stop.Dispose();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await store.RemoveMemberAsync(member.GroupId, member.MemberId, timeout.Token).ConfigureAwait(false);
            Log.MemberRemoved(logger, entityName, member.MemberId, member.GroupId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The record goes stale on its own; replay then accepts it after its bound.
            Log.MemberRecordFailed(logger, entityName, member.MemberId, e);
        }
    }

    private async Task HeartbeatAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            member = member with { LastHeartbeat = DateTime.UtcNow };
            await RecordAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task RecordAsync(CancellationToken ct)
    {
        try
        {
            await store.RecordMemberAsync(member, ct).ConfigureAwait(false);
            Log.MemberRecorded(logger, entityName, member.MemberId, member.GroupId);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            Log.MemberRecordFailed(logger, entityName, member.MemberId, e);
        }
    }
}
