using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.PrivateRooms;

/// <summary>
/// Private rooms and invitations over one door (the suite runs on the native TCP door and on WebSocket): creating one,
/// its refusals to non-members (each exactly what a room that does not exist answers), invitations used once and
/// withdrawn, membership across reconnects, kicks, guests, and room_set.
/// </summary>
public abstract class PrivateRoomTests
{
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    private async Task<RawClient> RegisterAsync(TestServer server, string user)
    {
        var client = await ConnectAsync(server);
        await client.SendAsync(new { type = "register", user, password = Password });
        var welcome = await client.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.True(welcome.Type() == "welcome", welcome.ToJsonString());
        client.Welcome = welcome;
        return client;
    }

    private async Task<RawClient> TokenAsync(TestServer server, string token)
    {
        var client = await ConnectAsync(server);
        await client.SendAsync(new { type = "hello", token });
        client.Welcome = await client.ReadUntilAsync(f => f.Type() == "welcome");
        return client;
    }

    private static async Task<JsonObject> CreatePrivateAsync(RawClient client, string room)
    {
        var before = new List<JsonObject>();
        var ok = await RequestAsync(client, new { type = "join", room, @private = true, id = "cp" }, "cp", before);
        AssertOk(ok);
        return before.Single(f => f.Type() == "room" && f.Str("room") == room);
    }

    private static async Task<List<string>> ListedAsync(RawClient client)
    {
        var answer = await RequestAsync(client, new { type = "rooms", id = "ls" }, "ls");
        AssertOk(answer);
        return [.. answer["rooms"]!.AsArray().Select(r => r!["room"]!.GetValue<string>() + (r["private"]?.GetValue<bool>() == true ? "*" : ""))];
    }

    /// <summary>Asks the same request about <paramref name="room"/> and about a room that does not exist: the answers must match.</summary>
    private static async Task AssertSameAsMissingAsync(RawClient client, Func<string, string, object> frame, string room)
    {
        var probed = await RequestAsync(client, frame(room, "p1"), "p1");
        var missing = await RequestAsync(client, frame("nowhere", "p2"), "p2");
        AssertError(probed, "no_such_room");
        AssertError(missing, "no_such_room");
        Assert.Equal(missing.Str("message")!.Replace("nowhere", room, StringComparison.Ordinal), probed.Str("message"));
    }

    [Fact]
    public async Task A_private_room_is_unlisted_and_answers_a_non_member_exactly_as_a_room_that_does_not_exist()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        var entered = await CreatePrivateAsync(alice, "ops");
        Assert.True(entered["private"]!.GetValue<bool>());
        await SendOkAsync(alice, "ops", "the secret plan", "s1");

        Assert.Contains("ops*", await ListedAsync(alice));
        Assert.DoesNotContain(await ListedAsync(bob), r => r.StartsWith("ops", StringComparison.Ordinal));

        AssertError(await RequestAsync(bob, new { type = "join", room = "ops", id = "j" }, "j"), "no_such_room");
        Assert.Equal("there is no room 'ops'", (await RequestAsync(bob, new { type = "join", room = "OPS", id = "j2" }, "j2")).Str("message")?.Replace("OPS", "ops", StringComparison.Ordinal));
        await AssertSameAsMissingAsync(bob, (room, id) => new { type = "history", room, id }, "ops");
        await AssertSameAsMissingAsync(bob, (room, id) => new { type = "who", room, id }, "ops");
        await AssertSameAsMissingAsync(bob, (room, id) => new { type = "send", room, text = "hello?", id }, "ops");
        await AssertSameAsMissingAsync(bob, (room, id) => new { type = "topic", room, topic = "x", id }, "ops");
        await AssertSameAsMissingAsync(bob, (room, id) => new { type = "leave", room, id }, "ops");
        await AssertSameAsMissingAsync(bob, (room, id) => new { type = "invite", room, user = "bob", id }, "ops");
        await AssertSameAsMissingAsync(bob, (room, id) => new { type = "room_set", room, @private = false, id }, "ops");
    }

    [Fact]
    public async Task Paging_the_room_list_and_a_look_alike_name_never_tell_a_hidden_private_rooms_name()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        AssertOk(await RequestAsync(alice, new { type = "join", room = "aa", id = "a" }, "a"));
        await CreatePrivateAsync(alice, "bl");
        await CreatePrivateAsync(alice, "ops");
        AssertOk(await RequestAsync(alice, new { type = "join", room = "co", id = "c" }, "c"));

        // bob walks the list one room a page: every room he may see, once, and no cursor naming a hidden one.
        var listed = new List<string>();
        string? cursor = null;
        do
        {
            var page = await RequestAsync(bob, cursor is null ? new { type = "rooms", limit = 1, id = "p" } : new { type = "rooms", limit = 1, cursor, id = "p" }, "p");
            AssertOk(page);
            listed.AddRange(page["rooms"]!.AsArray().Select(r => r!["room"]!.GetValue<string>()));
            cursor = page.Str("next");
            Assert.True(cursor is null or "aa" or "co" or "lobby", $"a cursor named '{cursor}'");
        }
        while (cursor is not null);
        Assert.Equal(["aa", "co", "lobby"], listed);

        // A look-alike of a hidden private room is refused without naming it; of a room bob may see, naming it.
        var hidden = await RequestAsync(bob, new { type = "join", room = "0ps", id = "l1" }, "l1");
        AssertError(hidden, "name_confusable");
        Assert.DoesNotContain("ops", hidden.Str("message")!.Replace("0ps", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var shown = await RequestAsync(bob, new { type = "join", room = "c0", id = "l2" }, "l2");
        AssertError(shown, "name_confusable");
        Assert.Contains("'co'", shown.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invitation_is_told_to_the_invitee_works_once_and_can_be_withdrawn()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await using var bobPhone = await TokenAsync(server, bob.Welcome.Str("token")!);
        await CreatePrivateAsync(alice, "ops");

        var ok = await RequestAsync(alice, new { type = "invite", room = "ops", user = "BOB", id = "i" }, "i");
        AssertOk(ok);
        Assert.Equal(("ops", "bob"), (ok.Str("room"), ok.Str("user")));
        foreach (var device in new[] { bob, bobPhone })
        {
            var invited = await device.ReadUntilAsync(f => f.Type() == "invited");
            Assert.Equal(("ops", "alice"), (invited.Str("room"), invited.Str("by")));
            Assert.NotNull(invited.Str("ts"));
        }

        var (before, _) = await JoinRoomAsync(bob, "ops");
        Assert.True(before.Single(f => f.Type() == "room")["private"]!.GetValue<bool>());
        Assert.Contains("ops*", await ListedAsync(bob));

        // Leaving ends the membership, and the invitation was used: bob cannot come back alone.
        AssertOk(await RequestAsync(bob, new { type = "leave", room = "ops", id = "l" }, "l"));
        AssertError(await RequestAsync(bob, new { type = "join", room = "ops", id = "j2" }, "j2"), "no_such_room");

        // A withdrawn invitation lets nobody in.
        AssertOk(await RequestAsync(alice, new { type = "invite", room = "ops", user = "bob", id = "i2" }, "i2"));
        AssertOk(await RequestAsync(alice, new { type = "uninvite", room = "ops", user = "bob", id = "u" }, "u"));
        AssertError(await RequestAsync(bob, new { type = "join", room = "ops", id = "j3" }, "j3"), "no_such_room");
    }

    [Fact]
    public async Task A_member_stays_a_member_across_reconnects_and_a_kicked_member_needs_a_new_invitation()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        var bob = await RegisterAsync(server, "bob");
        var token = bob.Welcome.Str("token")!;
        await CreatePrivateAsync(alice, "ops");
        AssertOk(await RequestAsync(alice, new { type = "invite", room = "ops", user = "bob", id = "i" }, "i"));
        await JoinRoomAsync(bob, "ops");
        await bob.DisposeAsync();

        await using var back = await TokenAsync(server, token);
        Assert.Contains(back.Welcome["rooms"]!.AsArray(), r => r!["room"]!.GetValue<string>() == "ops");
        var (room, _) = await ReadEntryAsync(back, "ops");
        Assert.True(room["private"]!.GetValue<bool>());
        await SendOkAsync(back, "ops", "still here", "s");

        AssertOk(await RequestAsync(alice, new { type = "kick", room = "ops", user = "bob", id = "k" }, "k"));
        await back.ReadUntilAsync(f => f.Type() == "left" && f.Str("room") == "ops" && f.Str("user") == "bob" && f.Str("reason") == "kicked");
        AssertError(await RequestAsync(back, new { type = "join", room = "ops", id = "j" }, "j"), "no_such_room");
        AssertOk(await RequestAsync(alice, new { type = "invite", room = "ops", user = "bob", id = "i2" }, "i2"));
        await JoinRoomAsync(back, "ops", "j2");
    }

    [Fact]
    public async Task Guests_can_neither_create_private_rooms_nor_invite_nor_be_invited()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var guest = (await RawClient.HelloAsync(await ConnectAsync(server), "gus")).Client;
        await CreatePrivateAsync(alice, "ops");
        await JoinRoomAsync(alice, "dev");

        AssertError(await RequestAsync(guest, new { type = "join", room = "den", @private = true, id = "c" }, "c"), "forbidden");
        AssertError(await RequestAsync(guest, new { type = "join", room = "ops", id = "j" }, "j"), "no_such_room");
        var (joined, _) = await JoinRoomAsync(guest, "dev", "jd"); // "private" is ignored for a room that exists
        Assert.Null(joined.Single(f => f.Type() == "room")["private"]);
        AssertError(await RequestAsync(guest, new { type = "invite", room = "dev", user = "alice", id = "i" }, "i"), "forbidden");
        AssertError(await RequestAsync(alice, new { type = "invite", room = "ops", user = "gus", id = "i2" }, "i2"), "forbidden");
        AssertError(await RequestAsync(alice, new { type = "invite", room = "ops", user = "zed", id = "i3" }, "i3"), "no_such_user");
    }

    [Fact]
    public async Task Members_invite_only_when_the_server_allows_and_room_set_switches_privacy_for_everyone()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await using var carol = await RegisterAsync(server, "carol");
        await JoinRoomAsync(alice, "dev");
        await JoinRoomAsync(bob, "dev");

        AssertError(await RequestAsync(bob, new { type = "invite", room = "dev", user = "carol", id = "i" }, "i"), "forbidden");
        AssertError(await RequestAsync(bob, new { type = "room_set", room = "dev", @private = true, id = "s" }, "s"), "forbidden");
        AssertError(await RequestAsync(alice, new { type = "room_set", room = "lobby", @private = true, id = "s1" }, "s1"), "forbidden");
        AssertError(await RequestAsync(alice, new { type = "room_set", room = "dev", id = "s2" }, "s2"), "bad_request");

        var ok = await RequestAsync(alice, new { type = "room_set", room = "dev", @private = true, id = "s3" }, "s3");
        AssertOk(ok);
        Assert.True(ok["private"]!.GetValue<bool>());
        var told = await bob.ReadUntilAsync(f => f.Type() == "room_set");
        Assert.Equal(("dev", true, "alice"), (told.Str("room"), told["private"]!.GetValue<bool>(), told.Str("by")));
        Assert.DoesNotContain(await ListedAsync(carol), r => r.StartsWith("dev", StringComparison.Ordinal));
        AssertError(await RequestAsync(carol, new { type = "join", room = "dev", id = "j" }, "j"), "no_such_room");

        AssertOk(await RequestAsync(alice, new { type = "room_set", room = "dev", @private = false, id = "s4" }, "s4"));
        Assert.Contains("dev", await ListedAsync(carol));
        await JoinRoomAsync(carol, "dev");

        await using var open = await TestServer.StartAsync(new TestServerOptions { MembersMayInvite = true });
        await using var owner = await RegisterAsync(open, "olga");
        await using var member = await RegisterAsync(open, "max");
        await using var invitee = await RegisterAsync(open, "ines");
        await CreatePrivateAsync(owner, "ops");
        AssertOk(await RequestAsync(owner, new { type = "invite", room = "ops", user = "max", id = "i" }, "i"));
        await JoinRoomAsync(member, "ops");
        AssertOk(await RequestAsync(member, new { type = "invite", room = "ops", user = "ines", id = "i2" }, "i2"));
        Assert.Equal("max", (await invitee.ReadUntilAsync(f => f.Type() == "invited")).Str("by"));
        await JoinRoomAsync(invitee, "ops");
    }
}

public sealed class PrivateRoomTcpTests : PrivateRoomTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

public sealed class PrivateRoomWebSocketTests : PrivateRoomTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
