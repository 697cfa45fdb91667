using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>
/// Presence and membership across two nodes (two hubs on one SQLite file, one name-claim set, a loopback bus and a
/// fake clock): <c>who</c> is cluster-wide, each change is announced once, an account's devices share their rooms,
/// a silent node's users leave after the timeout, and presence converges after the bus is cut and restored.
/// </summary>
public sealed class PresenceAcrossNodesTests : IAsyncLifetime
{
    private static readonly TimeSpan Beat = TimeSpan.FromSeconds(2);
    private LoopbackPresenceHarness _cluster = null!;
    private int _markers;

    private ChatHub Node1 => _cluster.Hubs[0];

    private ChatHub Node2 => _cluster.Hubs[1];

    public async Task InitializeAsync() => _cluster = await LoopbackPresenceHarness.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static async Task<(RecordingPresenceConnection Connection, ChatSession Session)> GuestAsync(ChatHub node, string name)
    {
        var connection = new RecordingPresenceConnection();
        var result = await node.HelloAsync(connection, new HelloRequest(name, null, null, null, "127.0.0.1"));
        Assert.True(result.Succeeded, result.Error?.Message);
        return (connection, result.Value!);
    }

    private static async Task<(RecordingPresenceConnection Connection, ChatSession Session)> AccountAsync(ChatHub node, string name, bool register)
    {
        var connection = new RecordingPresenceConnection();
        var result = register
            ? await node.RegisterAsync(connection, name, "correct horse battery")
            : await node.HelloAsync(connection, new HelloRequest(name, "correct horse battery", null, null, "127.0.0.1"));
        Assert.True(result.Succeeded, result.Error?.Message);
        return (connection, result.Value!);
    }

    /// <summary>
    /// A guest connecting to the lobby on <paramref name="from"/>, heard by <paramref name="watcher"/>: every signal
    /// that node sent before has been applied where the watcher is (the bus keeps each node's order).
    /// </summary>
    private async Task MarkAsync(ChatHub from, RecordingPresenceConnection watcher)
    {
        var name = $"marker{++_markers}";
        await GuestAsync(from, name);
        await watcher.WaitForAsync<JoinedEvent>(j => j.User == name, $"joined of {name}");
    }

    private static async Task<string[]> WhoAsync(ChatHub node, string room)
    {
        var who = await node.WhoAsync(room);
        Assert.True(who.Succeeded, who.Error?.Message);
        return [.. who.Value!.Users.Select(p => p.User).Where(u => !u.StartsWith("marker", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }

    private static int Count<T>(RecordingPresenceConnection connection, Func<T, bool> match) => connection.Received.OfType<T>().Count(match);

    [Fact]
    public async Task A_user_joining_a_room_on_node_2_is_in_who_and_the_listings_on_node_1_and_its_members_hear_joined_once()
    {
        var (alice, aliceSession) = await AccountAsync(Node1, "alice", register: true);
        Assert.True((await Node1.JoinAsync(aliceSession, "plaza")).Succeeded);
        var (bob, bobSession) = await GuestAsync(Node2, "bob");
        await MarkAsync(Node1, bob); // node 2 has heard that alice is in plaza
        Assert.True((await Node2.JoinAsync(bobSession, "plaza")).Succeeded);

        await alice.WaitForAsync<JoinedEvent>(j => j is { Room: "plaza", User: "bob" }, "joined of bob in plaza");
        var state = await bob.WaitForAsync<RoomStateEvent>(r => r.Room == "plaza", "plaza's state");
        Assert.Equal(["alice", "bob"], state.Users.Select(u => u.User).Order(StringComparer.Ordinal));
        Assert.Equal(["alice", "bob"], await WhoAsync(Node1, "plaza"));
        Assert.Equal(["alice", "bob"], await WhoAsync(Node2, "plaza"));
        var listing = (await Node1.RoomsAsync(aliceSession)).Value!.Rooms.Single(r => r.Room == "plaza");
        Assert.Equal(2, listing.Members);

        // A room loaded only on node 2 (a guest's, created there) is counted on node 1 from node 2's presence.
        Assert.True((await Node2.JoinAsync(bobSession, "patio")).Succeeded);
        await MarkAsync(Node2, alice);
        Assert.Equal(1, (await Node1.RoomsAsync(aliceSession)).Value!.Rooms.Single(r => r.Room == "patio").Members);
        Assert.Equal(1, Count<JoinedEvent>(alice, j => j is { Room: "plaza", User: "bob" }));
        Assert.Equal(1, Count<JoinedEvent>(alice, j => j is { Room: "lobby", User: "bob" }));
    }

    [Fact]
    public async Task An_account_on_both_nodes_is_joined_once_its_devices_share_joins_and_a_leave_on_one_device_leaves_on_both()
    {
        var (watcher, watcherSession) = await AccountAsync(Node1, "watcher", register: true);
        Assert.True((await Node1.JoinAsync(watcherSession, "plaza")).Succeeded);
        var (dave1, dave1Session) = await AccountAsync(Node1, "dave", register: true);
        await watcher.WaitForAsync<JoinedEvent>(j => j is { Room: "lobby", User: "dave" }, "joined of dave");
        var (dave2, dave2Session) = await AccountAsync(Node2, "dave", register: false);

        // A join on node 1 takes the device on node 2 in too, with the room's state.
        Assert.True((await Node1.JoinAsync(dave1Session, "plaza")).Succeeded);
        var plaza = await dave2.WaitForAsync<RoomStateEvent>(r => r.Room == "plaza", "plaza's state on dave's second device");
        Assert.Contains(plaza.Users, u => u.User == "watcher");
        Assert.Contains("plaza", dave2Session.User.Rooms);
        await MarkAsync(Node2, watcher);
        Assert.Equal(1, Count<JoinedEvent>(watcher, j => j is { Room: "lobby", User: "dave" }));
        Assert.Equal(1, Count<JoinedEvent>(watcher, j => j is { Room: "plaza", User: "dave" }));

        // A leave on node 2 takes both devices out, and the room hears one left.
        Assert.True((await Node2.LeaveAsync(dave2Session, "plaza")).Succeeded);
        await dave1.WaitForAsync<LeftEvent>(l => l is { Room: "plaza", User: "dave", Reason: LeaveReason.Left }, "left on dave's first device");
        await watcher.WaitForAsync<LeftEvent>(l => l is { Room: "plaza", User: "dave" }, "left of dave");
        Assert.DoesNotContain("plaza", dave1Session.User.Rooms);
        Assert.Equal(["watcher"], await WhoAsync(Node1, "plaza"));
        Assert.Equal(["watcher"], await WhoAsync(Node2, "plaza"));
        await MarkAsync(Node2, watcher);
        Assert.Equal(1, Count<LeftEvent>(watcher, l => l is { Room: "plaza", User: "dave" }));
        Assert.Equal(1, Count<LeftEvent>(dave1, l => l is { Room: "plaza", User: "dave" }));
    }

    [Fact]
    public async Task Disconnecting_one_device_says_nothing_while_the_other_is_present_on_the_other_node()
    {
        var (alice, _) = await GuestAsync(Node1, "alice");
        var (_, dave1Session) = await AccountAsync(Node1, "dave", register: true);
        var (_, dave2Session) = await AccountAsync(Node2, "dave", register: false);
        await alice.WaitForAsync<JoinedEvent>(j => j.User == "dave", "joined of dave");
        await MarkAsync(Node2, alice); // node 1 knows dave is present on node 2 too

        Node1.Disconnect(dave1Session, LeaveReason.Quit);
        await MarkAsync(Node2, alice);
        Assert.Equal(0, Count<LeftEvent>(alice, l => l.User == "dave"));
        Assert.Contains("dave", await WhoAsync(Node1, "lobby"));

        Node2.Disconnect(dave2Session, LeaveReason.Quit);
        var left = await alice.WaitForAsync<LeftEvent>(l => l.User == "dave", "left of dave");
        Assert.Equal(LeaveReason.Quit, left.Reason);
        Assert.Equal(["alice"], await WhoAsync(Node1, "lobby"));
        Assert.Equal(1, Count<JoinedEvent>(alice, j => j.User == "dave"));
    }

    [Fact]
    public async Task The_users_of_a_node_that_stops_heartbeating_leave_after_the_timeout_and_not_before()
    {
        var (alice, aliceSession) = await GuestAsync(Node1, "alice");
        await GuestAsync(Node2, "bob");
        await alice.WaitForAsync<JoinedEvent>(j => j.User == "bob", "joined of bob");
        _cluster.Advance(Beat, Beat);
        await MarkAsync(Node2, alice); // node 2's heartbeat is in

        _cluster.Buses[1].Cut(); // as if killed: nothing more from node 2
        _cluster.Advance(TimeSpan.FromSeconds(6), Beat);
        Assert.Equal(0, Count<LeftEvent>(alice, l => l.User == "bob"));
        Assert.Equal(["alice", "bob"], await WhoAsync(Node1, "lobby"));

        _cluster.Advance(TimeSpan.FromSeconds(6), Beat);
        var left = await alice.WaitForAsync<LeftEvent>(l => l.User == "bob", "left of bob");
        Assert.Equal(LeaveReason.Lost, left.Reason);
        Assert.Equal(["alice"], await WhoAsync(Node1, "lobby"));
        Assert.Equal(1, (await Node1.RoomsAsync(aliceSession)).Value!.Rooms.Single(r => r.Room == "lobby").Members);
    }

    [Fact]
    public async Task After_a_cut_and_a_restore_both_nodes_agree_on_who_is_present()
    {
        var (alice, _) = await GuestAsync(Node1, "alice");
        var (bob, bobSession) = await GuestAsync(Node2, "bob");
        await alice.WaitForAsync<JoinedEvent>(j => j.User == "bob", "joined of bob");
        await MarkAsync(Node1, bob); // node 2 has heard of alice

        // While node 2 is cut off: bob leaves and carol arrives there, dan arrives on node 1; nobody hears of it.
        _cluster.Buses[1].Cut();
        Node2.Disconnect(bobSession, LeaveReason.Quit);
        var (carol, _) = await GuestAsync(Node2, "carol");
        await GuestAsync(Node1, "dan");
        Assert.Equal(["alice", "bob", "dan"], await WhoAsync(Node1, "lobby"));
        Assert.Equal(["alice", "carol"], await WhoAsync(Node2, "lobby"));

        _cluster.Buses[1].Restore();
        await alice.WaitForAsync<LeftEvent>(l => l.User == "bob", "left of bob");
        await alice.WaitForAsync<JoinedEvent>(j => j.User == "carol", "joined of carol");
        await carol.WaitForAsync<JoinedEvent>(j => j.User == "dan", "joined of dan on node 2");
        Assert.Equal(["alice", "carol", "dan"], await WhoAsync(Node1, "lobby"));
        Assert.Equal(["alice", "carol", "dan"], await WhoAsync(Node2, "lobby"));
    }

    [Fact]
    public async Task A_cut_longer_than_the_timeout_shows_the_other_nodes_users_leaving_and_coming_back()
    {
        var (alice, _) = await GuestAsync(Node1, "alice");
        var (bob, _) = await GuestAsync(Node2, "bob");
        await alice.WaitForAsync<JoinedEvent>(j => j.User == "bob", "joined of bob");
        await MarkAsync(Node1, bob); // node 2 has heard of alice

        _cluster.Buses[1].Cut();
        _cluster.Advance(TimeSpan.FromSeconds(12), Beat);
        Assert.Equal(LeaveReason.Lost, (await alice.WaitForAsync<LeftEvent>(l => l.User == "bob", "left of bob")).Reason);
        Assert.Equal(LeaveReason.Lost, (await bob.WaitForAsync<LeftEvent>(l => l.User == "alice", "left of alice on node 2")).Reason);
        Assert.Equal(["alice"], await WhoAsync(Node1, "lobby"));

        var aliceBefore = alice.Received.Count;
        var bobBefore = bob.Received.Count;
        _cluster.Buses[1].Restore();
        await alice.WaitForAsync<JoinedEvent>(j => j.User == "bob", "bob joined again", after: aliceBefore);
        await bob.WaitForAsync<JoinedEvent>(j => j.User == "alice", "alice joined again on node 2", after: bobBefore);
        Assert.Equal(["alice", "bob"], await WhoAsync(Node1, "lobby"));
        Assert.Equal(["alice", "bob"], await WhoAsync(Node2, "lobby"));
    }
}
