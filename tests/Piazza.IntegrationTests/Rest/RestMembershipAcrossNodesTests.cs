using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Rest;

/// <summary>
/// A join or a leave made on a REST request session (<see cref="ChatHub.OpenRequestSessionAsync"/>, never online) is
/// the account's on every device, on this node and across nodes (<see cref="InProcessCluster"/>): its live connections
/// enter or leave the room, and the room's members hear it as a protocol join.
/// </summary>
public sealed class RestMembershipAcrossNodesTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync()
        => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData(1)] // the bot's live connection on the node that serves the request
    [InlineData(2)] // on another node
    public async Task A_request_session_join_enters_the_bots_live_connection_and_the_room_hears_it_and_its_leave_too(int botNode)
    {
        var (aliceSees, alice) = await _cluster.RegisterAsync(1, "alice");
        var (botSees, bot) = await _cluster.RegisterAsync(botNode, "bot");
        Assert.True((await _cluster[1].JoinAsync(alice, "dev")).Succeeded);

        var request = await _cluster[1].OpenRequestSessionAsync(bot.Token, new HubTestConnection());
        Assert.True(request.Succeeded, request.Error?.Message);
        var joined = await _cluster[1].JoinAsync(request.Value!, "dev");
        Assert.True(joined.Succeeded, joined.Error?.Message);

        await botSees.WaitForAsync<RoomStateEvent>(e => e.Room == "dev");
        await aliceSees.WaitForAsync<ChatEvent>(e => e is JoinedEvent { Room: "dev", User: "bot" } || (e is PresenceEvent p && p.Room == "dev" && p.Joined.Any(j => j.User == "bot")));
        Assert.Contains((await _cluster[1].WhoAsync(alice, "dev")).Value!.Users, u => u.User == "bot");

        // The bot's live connection now hears the room.
        var sent = await _cluster[1].SendAsync(alice, "dev", null, "hello bot", "m1");
        Assert.True(sent.Succeeded);
        await botSees.WaitForAsync<MessageEvent>(m => m.Room == "dev" && m.Text == "hello bot");

        var leaving = await _cluster[1].OpenRequestSessionAsync(bot.Token, new HubTestConnection());
        Assert.True((await _cluster[1].LeaveAsync(leaving.Value!, "dev")).Succeeded);
        await botSees.WaitForAsync<LeftEvent>(e => e.Room == "dev" && e.User == "bot" && e.Reason == LeaveReason.Left);
        await aliceSees.WaitForAsync<ChatEvent>(e => e is LeftEvent { Room: "dev", User: "bot" } || (e is PresenceEvent p && p.Room == "dev" && p.Left.Any(l => l.User == "bot")));
        Assert.DoesNotContain((await _cluster[1].WhoAsync(alice, "dev")).Value!.Users, u => u.User == "bot");
        Assert.Equal(ErrorCode.NotInRoom, (await _cluster[botNode].SendAsync(bot, "dev", null, "still here?", "m2")).Error?.Code);
    }
}
