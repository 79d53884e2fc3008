namespace OpowerStream.Storage.Tests;

/// <summary>The membership role (<see cref="IMembershipStore"/>): consumer instances record, refresh and remove themselves, on both stores.</summary>
public abstract partial class PipelineStoreTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Consumer_members_register_refresh_list_and_leave()
    {
        var member = new ConsumerMember("g-rates", "host:42:a", "host", 42, Now, Now);
        await Store.RecordMemberAsync(member, CancellationToken.None);
        await Store.RecordMemberAsync(member with { LastHeartbeat = Now.AddSeconds(5) }, CancellationToken.None);
        await Store.RecordMemberAsync(member with { GroupId = "g-intervals" }, CancellationToken.None);

        var rates = Assert.Single(await Store.GetMembersAsync("g-rates", CancellationToken.None));
        Assert.Equal(member with { LastHeartbeat = Now.AddSeconds(5) }, rates);
        Assert.Equal(2, (await Store.GetMembersAsync(null, CancellationToken.None)).Count);
        Assert.True(rates.IsLive(Now.AddSeconds(30), TimeSpan.FromSeconds(30)));
        Assert.False(rates.IsLive(Now.AddSeconds(35), TimeSpan.FromSeconds(30)));

        await Store.RemoveMemberAsync("g-rates", "host:42:a", CancellationToken.None);
        Assert.Empty(await Store.GetMembersAsync("g-rates", CancellationToken.None));
        Assert.Single(await Store.GetMembersAsync("g-intervals", CancellationToken.None));
    }
}
