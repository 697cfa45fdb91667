using Piazza.Core;
using Piazza.Core.Retention;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>A room's retention change across nodes (<see cref="InProcessCluster"/>): the room hears it on every node, which then holds the new setting.</summary>
public sealed class RetentionAcrossNodesTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync()
        => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000, Retention = new RetentionOptions { Days = 60 } });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_change_on_node_1_is_told_to_members_on_node_2_and_a_later_entry_there_sees_it()
    {
        var (_, alice) = await _cluster.RegisterAsync(1, "alice", Password);
        var (bobSees, bob) = await _cluster.RegisterAsync(2, "bob", Password);
        var (carolSees, carol) = await _cluster.RegisterAsync(2, "carol", Password);
        Assert.True((await _cluster[1].JoinAsync(alice, "dev")).Succeeded);
        Assert.True((await _cluster[2].JoinAsync(bob, "dev")).Succeeded);
        var state = await bobSees.WaitForAsync<RoomStateEvent>(e => e.Room == "dev");
        Assert.Equal((60, (int?)null), (state.Retention!.Days, state.Retention.OwnDays));

        Assert.True((await _cluster[1].SetRoomRetentionAsync(alice, "dev", 5)).Succeeded);
        var told = await bobSees.WaitForAsync<RetentionEvent>();
        Assert.Equal(("dev", 5, 5, "alice"), (told.Room, told.Retention.Days, told.Retention.OwnDays, told.By));

        Assert.True((await _cluster[2].JoinAsync(carol, "dev")).Succeeded);
        var entered = await carolSees.WaitForAsync<RoomStateEvent>(e => e.Room == "dev");
        Assert.Equal((5, 5), (entered.Retention!.Days, entered.Retention.OwnDays));
    }
}
