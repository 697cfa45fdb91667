using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>Read state across nodes (<see cref="InProcessCluster"/>): a read on one node reaches the account's connections on the other.</summary>
public sealed class ReadStateAcrossNodesTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_read_on_node_A_reaches_the_same_accounts_connection_on_node_B_and_not_the_reader()
    {
        var (aliceOnA, sessionA) = await _cluster.RegisterAsync(1, "alice");
        var (aliceOnB, _) = await _cluster.LoginAsync(2, "alice");
        var (_, bob) = await _cluster.GuestAsync(2, "bob");
        var sent = await _cluster[2].SendAsync(bob, ChatHub.LobbyName, null, "hello @alice", "b1");
        var seq = (await sent.Value!.Completion).Value!.Message.Seq;
        await aliceOnA.WaitForAsync<MessageEvent>(m => m.Seq == seq);

        var read = await _cluster[1].MarkReadAsync(sessionA, ChatHub.LobbyName, seq);
        Assert.Equal((ChatHub.LobbyName, seq), read.Value);

        var heard = await aliceOnB.WaitForAsync<ReadEvent>();
        Assert.Equal((ChatHub.LobbyName, seq), (heard.Room, heard.Seq));
        Assert.DoesNotContain(aliceOnA.Received, e => e is ReadEvent);

        // A device that logs in on node B afterwards starts from the stored position.
        var (fresh, _) = await _cluster.LoginAsync(2, "alice");
        var welcome = await fresh.WaitForAsync<WelcomeEvent>();
        var lobby = Assert.Single(welcome.Conversations, c => c.Room == ChatHub.LobbyName);
        Assert.Equal((seq, seq, 0L, 0L), (lobby.Seq, lobby.Read, lobby.Unread, lobby.Mentions));
    }
}
