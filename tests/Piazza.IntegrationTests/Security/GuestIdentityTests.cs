using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// A guest's identity is unique for its lifetime (its key is '~name~random'): a later guest of the same name reaches
/// nothing the earlier one had. Run over every door that carries the frames.
/// </summary>
public abstract class GuestIdentityTests
{
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    [Fact]
    public async Task Later_guest_of_the_same_name_cannot_read_the_earlier_guests_private_conversation()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterThroughDoorAsync(server, "alice");
        string earlierId;
        await using (var firstBob = await GuestThroughDoorAsync(server, "bob"))
        {
            AssertOk(await RequestAsync(firstBob, new { type = "send", to = "alice", text = "only for alice", id = "p1" }, "p1"));
            var received = await alice.ReadUntilAsync(f => f.Type() == "message" && f.Str("to") == "alice");
            earlierId = received.Str("room")!;
            Assert.Matches("^@alice,~bob~[0-9a-f]{16}$", earlierId);
            await firstBob.SendAsync(new { type = "bye" });
            Assert.True(await firstBob.WaitForCloseAsync());
        }

        await alice.ReadUntilAsync(f => f.Type() == "left" && f.Str("user") == "bob");

        // The later bob asks for the conversation every way there is: by peer, by the earlier id, by resuming it.
        var laterBob = await ConnectAsync(server);
        await using var later = laterBob;
        await laterBob.SendAsync(new { type = "hello", user = "bob", resume = new Dictionary<string, long> { [earlierId] = 0 } });
        var skipped = new List<JsonObject>();
        var welcome = await laterBob.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.Equal("welcome", welcome.Type());

        var byPeer = await RequestAsync(laterBob, new { type = "history", with = "alice", id = "h1" }, "h1", skipped);
        Assert.Equal("history", byPeer.Type());
        Assert.NotEqual(earlierId, byPeer.Str("room"));
        Assert.Empty(byPeer["messages"]!.AsArray());

        AssertError(await RequestAsync(laterBob, new { type = "history", room = earlierId, id = "h2" }, "h2", skipped), "forbidden");
        Assert.Equal("pong", (await RequestAsync(laterBob, new { type = "ping", id = "sync" }, "sync", skipped)).Type());
        Assert.DoesNotContain(skipped, f => string.Equals(f.Str("room"), earlierId, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(skipped, f => f.ToJsonString().Contains("only for alice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Later_guest_of_the_same_name_does_not_own_the_room_the_earlier_guest_created()
    {
        await using var server = await TestServer.StartAsync();
        await using var carol = await GuestThroughDoorAsync(server, "carol");
        await using (var firstBob = await GuestThroughDoorAsync(server, "bob"))
        {
            await JoinRoomAsync(firstBob, "bobs-den");
            await JoinRoomAsync(carol, "bobs-den");

            // The creator owns it: it may unlock the topic.
            AssertOk(await RequestAsync(firstBob, new { type = "topic", room = "bobs-den", @lock = false, id = "t1" }, "t1"));
            await firstBob.SendAsync(new { type = "bye" });
            Assert.True(await firstBob.WaitForCloseAsync());
        }

        await carol.ReadUntilAsync(f => f.Type() == "left" && f.Str("room") == "bobs-den" && f.Str("user") == "bob");
        await using var laterBob = await GuestThroughDoorAsync(server, "bob");
        await JoinRoomAsync(laterBob, "bobs-den");
        AssertError(await RequestAsync(laterBob, new { type = "topic", room = "bobs-den", @lock = true, id = "t2" }, "t2"), "forbidden");
        AssertError(await RequestAsync(laterBob, new { type = "kick", room = "bobs-den", user = "carol", id = "k" }, "k"), "forbidden");
    }

    [Fact]
    public async Task A_guest_that_registers_its_name_keeps_its_rooms_but_not_its_guest_conversations()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterThroughDoorAsync(server, "alice");
        await using var bob = await GuestThroughDoorAsync(server, "bob");
        await JoinRoomAsync(bob, "bobs-den");
        AssertOk(await RequestAsync(bob, new { type = "send", to = "alice", text = "as a guest", id = "p1" }, "p1"));
        var guestId = (await alice.ReadUntilAsync(f => f.Type() == "message" && f.Str("to") == "alice")).Str("room")!;

        AssertOk(await RequestAsync(bob, new { type = "register", user = "bob", password = Password, id = "r" }, "r"));

        // Now an account: the room it created is still its own, the conversation with alice starts afresh.
        AssertOk(await RequestAsync(bob, new { type = "topic", room = "bobs-den", @lock = false, id = "t" }, "t"));
        var history = await RequestAsync(bob, new { type = "history", with = "alice", id = "h" }, "h");
        Assert.Equal("@alice,bob", history.Str("room"));
        Assert.Empty(history["messages"]!.AsArray());
        AssertError(await RequestAsync(bob, new { type = "history", room = guestId, id = "h2" }, "h2"), "forbidden");
    }

    [Fact]
    public async Task Bans_and_mutes_of_a_guest_name_still_hold_for_a_later_guest_of_that_name()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { FirstUserIsAdmin = true });
        await using var boss = await RegisterThroughDoorAsync(server, "boss");
        await JoinRoomAsync(boss, "den");
        await using (var firstCarol = await GuestThroughDoorAsync(server, "carol"))
        {
            await JoinRoomAsync(firstCarol, "den");
            AssertOk(await RequestAsync(boss, new { type = "mute", room = "den", user = "carol", id = "m" }, "m"));
            AssertOk(await RequestAsync(boss, new { type = "ban", user = "mallory", id = "b0" }, "b0"));
            await firstCarol.SendAsync(new { type = "bye" });
            Assert.True(await firstCarol.WaitForCloseAsync());
        }

        await boss.ReadUntilAsync(f => f.Type() == "left" && f.Str("room") == "den" && f.Str("user") == "carol");
        await using var laterCarol = await GuestThroughDoorAsync(server, "carol");
        await JoinRoomAsync(laterCarol, "den");
        AssertError(await RequestAsync(laterCarol, new { type = "send", room = "den", text = "am I heard?", id = "s" }, "s"), "muted");

        // A server ban by name (made before anyone used it) refuses every guest of that name.
        var mallory = await ConnectAsync(server);
        await using var _ = mallory;
        AssertError(await FirstAnswerAsync(mallory, new { type = "hello", user = "Mallory" }), "banned");
    }

    private async Task<RawClient> GuestThroughDoorAsync(TestServer server, string user)
        => (await RawClient.HelloAsync(await ConnectAsync(server), user)).Client;

    private async Task<RawClient> RegisterThroughDoorAsync(TestServer server, string user)
    {
        var client = await ConnectAsync(server);
        var welcome = await FirstAnswerAsync(client, new { type = "register", user, password = Password });
        Assert.True(welcome.Type() == "welcome", welcome.ToJsonString());
        client.Welcome = welcome;
        return client;
    }
}

public sealed class NativeTcpGuestIdentityTests : GuestIdentityTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

public sealed class WebSocketGuestIdentityTests : GuestIdentityTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
