using Microsoft.Extensions.Time.Testing;
using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>
/// Away status and typing notices across two nodes (two hubs on one SQLite file, a loopback bus, a fake clock): an
/// away set on one node is heard and shown on the other, and forgotten there when the user's last connection goes;
/// typing crosses nodes, throttled to one per 3 s of the clock.
/// </summary>
public sealed class AwayAndTypingAcrossNodesTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(nodes: 2, time: _clock);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static async Task<string?> AwayInWhoAsync(ChatHub node, string user)
    {
        var who = await node.WhoAsync("lobby");
        Assert.True(who.Succeeded, who.Error?.Message);
        return who.Value!.Users.Single(p => p.User == user).Away;
    }

    [Fact]
    public async Task An_away_set_on_node_1_is_heard_and_shown_on_node_2_and_forgotten_with_the_last_connection()
    {
        var (bob, _) = await _cluster.GuestAsync(2, "bob");
        var (_, alice) = await _cluster.GuestAsync(1, "alice");
        await bob.WaitForAsync<JoinedEvent>(j => j.User == "alice");

        Assert.Equal("lunch", _cluster[1].SetAway(alice, "lunch").Value);
        var told = await bob.WaitForAsync<AwayEvent>();
        Assert.Equal(("alice", "lunch"), (told.User, told.Text));
        Assert.Equal("lunch", await AwayInWhoAsync(_cluster[2], "alice"));

        _cluster[1].Disconnect(alice, LeaveReason.Quit);
        await bob.WaitForAsync<LeftEvent>(l => l.User == "alice");
        await _cluster.Network.DeliveredAsync();
        Assert.Single(bob.Received.OfType<AwayEvent>()); // forgotten quietly: the left said it

        // Back the next time, wherever she connects.
        await _cluster.GuestAsync(2, "alice");
        Assert.Null(await AwayInWhoAsync(_cluster[2], "alice"));
    }

    [Fact]
    public async Task Typing_on_node_1_reaches_node_2_at_most_once_per_three_seconds_of_the_clock()
    {
        var (bob, _) = await _cluster.GuestAsync(2, "bob");
        var (alice, aliceSession) = await _cluster.GuestAsync(1, "alice");
        await bob.WaitForAsync<JoinedEvent>(j => j.User == "alice");

        Assert.True((await _cluster[1].TypingAsync(aliceSession, "lobby", null)).Value);
        Assert.False((await _cluster[1].TypingAsync(aliceSession, "lobby", null)).Value);
        _clock.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False((await _cluster[1].TypingAsync(aliceSession, "lobby", null)).Value);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True((await _cluster[1].TypingAsync(aliceSession, "lobby", null)).Value);

        await _cluster.Network.DeliveredAsync();
        var heard = bob.Received.OfType<TypingEvent>().ToList();
        Assert.Equal(2, heard.Count);
        Assert.All(heard, t => Assert.Equal(("lobby", "alice"), (t.Room, t.User)));
        Assert.Empty(alice.Received.OfType<TypingEvent>());
    }
}
