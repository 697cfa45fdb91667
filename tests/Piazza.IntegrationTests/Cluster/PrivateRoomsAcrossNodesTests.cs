using Piazza.Core;
using Piazza.Core.Rooms;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>Private rooms across nodes (<see cref="InProcessCluster"/>): invitations and the private switch reach every node.</summary>
public sealed class PrivateRoomsAcrossNodesTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync()
        => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task An_invitation_on_node_1_is_told_to_bob_on_node_2_and_lets_him_join_there()
    {
        var (_, alice) = await _cluster.RegisterAsync(1, "alice", Password);
        var (bobSees, bob) = await _cluster.RegisterAsync(2, "bob", Password);
        Assert.True((await _cluster[1].JoinAsync(alice, "ops", createPrivate: true, CancellationToken.None)).Succeeded);
        Assert.Equal(ErrorCode.NoSuchRoom, (await _cluster[2].JoinAsync(bob, "ops")).Error?.Code);

        Assert.True((await _cluster[1].InviteAsync(alice, "ops", "bob")).Succeeded);
        var invited = await bobSees.WaitForAsync<InvitedEvent>();
        Assert.Equal(("ops", "alice"), (invited.Room, invited.By));

        var joined = await _cluster[2].JoinAsync(bob, "ops");
        Assert.True(joined.Succeeded, joined.Error?.Message);
        Assert.True((await bobSees.WaitForAsync<RoomStateEvent>(e => e.Room == "ops")).Private);
    }

    [Fact]
    public async Task Switching_a_room_private_on_node_1_hides_it_from_non_members_on_node_2()
    {
        var (_, alice) = await _cluster.RegisterAsync(1, "alice", Password);
        var (bobSees, bob) = await _cluster.RegisterAsync(2, "bob", Password);
        var (_, carol) = await _cluster.RegisterAsync(2, "carol", Password);
        Assert.True((await _cluster[1].JoinAsync(alice, "dev")).Succeeded);
        Assert.True((await _cluster[2].JoinAsync(bob, "dev")).Succeeded);
        Assert.True((await _cluster[2].WhoAsync(carol, "dev")).Succeeded); // node 2 holds the room, public

        Assert.True((await _cluster[1].SetRoomPrivateAsync(alice, "dev", true)).Succeeded);
        var told = await bobSees.WaitForAsync<RoomSetEvent>();
        Assert.Equal(("dev", true, "alice"), (told.Room, told.Private, told.By));

        Assert.Equal(ErrorCode.NoSuchRoom, (await _cluster[2].WhoAsync(carol, "dev")).Error?.Code);
        Assert.Equal(ErrorCode.NoSuchRoom, (await _cluster[2].JoinAsync(carol, "dev")).Error?.Code);
        Assert.DoesNotContain((await _cluster[2].RoomsAsync(carol)).Value!.Rooms, r => r.Room == "dev");
        Assert.Contains((await _cluster[2].RoomsAsync(bob)).Value!.Rooms, r => r.Room == "dev" && r.Private);
    }
}
