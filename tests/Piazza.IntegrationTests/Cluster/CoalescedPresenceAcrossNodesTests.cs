using Microsoft.Extensions.Time.Testing;
using Piazza.Core;
using Piazza.Core.Conversations;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>
/// Presence that scales across nodes (<see cref="InProcessCluster"/>): a burst of joins on one node reaches a member on
/// the other in a bounded number of frames, coalesced there on that node's clock (a fake one: no sleeps).
/// </summary>
public sealed class CoalescedPresenceAcrossNodesTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_burst_of_joins_on_node_2_reaches_a_member_on_node_1_coalesced()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        _cluster[1].UsePresenceClock(clock);
        var (watcher, _) = await _cluster.GuestAsync(1, "watcher");
        var names = Enumerable.Range(0, 30).Select(i => $"j{i:00}").ToList();
        ChatSession? last = null;
        foreach (var name in names)
        {
            (_, last) = await _cluster.GuestAsync(2, name);
        }

        // The bus keeps each node's order: once this message is heard on node 1, so is every join node 2 signalled before it.
        Assert.True((await _cluster[2].SendAsync(last!, ChatHub.LobbyName, null, "all here", null)).Succeeded);
        await watcher.WaitForAsync<MessageEvent>(m => m.Text == "all here");
        clock.Advance(PresenceCoalescer.Interval);
        await watcher.WaitForAsync<PresenceEvent>();

        var frames = watcher.Received.Where(e => e is JoinedEvent or PresenceEvent).ToList();
        var heard = frames.SelectMany(e => e is PresenceEvent p ? p.Joined.Select(j => j.User) : [((JoinedEvent)e).User]).ToList();
        Assert.Equal(names, heard.Order(StringComparer.Ordinal));
        Assert.True(frames.Count <= PresenceCoalescer.Burst, $"{frames.Count} frames for {names.Count} joins");
        Assert.Single(frames.OfType<PresenceEvent>());
        Assert.Equal(names.Count + 1, (await _cluster[1].WhoAsync(ChatHub.LobbyName)).Value!.Count);
    }
}
