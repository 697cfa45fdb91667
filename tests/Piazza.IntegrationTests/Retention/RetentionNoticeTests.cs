using System.Net;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.IntegrationTests.Irc;
using Piazza.IntegrationTests.Rest;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Retention;

/// <summary>A room's retention is visible to its members (the <c>room</c> frame) and a change is told to the room (docs/retention.md).</summary>
public sealed class RetentionNoticeTests
{
    [Fact]
    public async Task The_room_frame_carries_the_retention_and_a_change_reaches_members_over_tcp_and_websocket_once()
    {
        await using var server = await TestServer.StartAsync(("Hub:Retention:Days", "90"));
        await using var alice = await server.RegisterAsync("alice");
        var (aliceEntry, _) = await JoinRoomAsync(alice, "dev");
        var roomFrame = aliceEntry.Single(f => f.Type() == "room");
        Assert.Equal((90, "server"), (roomFrame["retentionDays"]!.GetValue<int>(), roomFrame.Str("retentionSource")));

        await using var bob = await server.RegisterAsync("bob");
        await JoinRoomAsync(bob, "dev");
        await using var carol = await RawClient.ConnectWebSocketAsync(server.HttpBase);
        await carol.SendAsync(new { type = "register", user = "carol", password = Password });
        Assert.Equal("welcome", (await carol.ReadUntilAsync(f => f.Type() is "welcome" or "error")).Type());
        await JoinRoomAsync(carol, "dev");

        var beforeOk = new List<JsonObject>();
        AssertOk(await RequestAsync(alice, new { type = "room_set", room = "dev", retentionDays = 30, id = "r1" }, "r1", beforeOk));
        Assert.Single(beforeOk, f => f.Type() == "retention"); // the owner's own connection hears it too, before its ok
        foreach (var member in new[] { bob, carol })
        {
            var told = await member.ReadUntilAsync(f => f.Type() == "retention");
            Assert.Equal(("dev", 30, "room", "alice"), (told.Str("room"), told["retentionDays"]!.GetValue<int>(), told.Str("retentionSource"), told.Str("by")));
            Assert.True(DateTimeOffset.TryParse(told.Str("ts"), System.Globalization.CultureInfo.InvariantCulture, out _));
        }

        // The same value again changes nothing and says nothing; following the server again is told, with the server's days.
        AssertOk(await RequestAsync(alice, new { type = "room_set", room = "dev", retentionDays = 30, id = "r2" }, "r2"));
        var skipped = new List<JsonObject>();
        Assert.Equal("pong", (await RequestAsync(bob, new { type = "ping", id = "p1" }, "p1", skipped)).Type());
        Assert.DoesNotContain(skipped, f => f.Type() == "retention");
        AssertOk(await RequestAsync(alice, new { type = "room_set", room = "dev", retentionDays = -1, id = "r3" }, "r3"));
        foreach (var member in new[] { bob, carol })
        {
            var back = await member.ReadUntilAsync(f => f.Type() == "retention");
            Assert.Equal((90, "server"), (back["retentionDays"]!.GetValue<int>(), back.Str("retentionSource")));
        }

        // Set for good over REST: the room hears it too, and whoever enters later sees it in the room frame.
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var aliceToken = alice.Welcome.Str("token");
        Assert.Equal(HttpStatusCode.OK, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/retention", aliceToken, new { days = 0 })).Status);
        var forGood = await bob.ReadUntilAsync(f => f.Type() == "retention");
        Assert.Equal((0, "room"), (forGood["retentionDays"]!.GetValue<int>(), forGood.Str("retentionSource")));
        await using var dave = await server.RegisterAsync("dave");
        var (daveEntry, _) = await JoinRoomAsync(dave, "dev");
        var daveRoom = daveEntry.Single(f => f.Type() == "room");
        Assert.Equal((0, "room"), (daveRoom["retentionDays"]!.GetValue<int>(), daveRoom.Str("retentionSource")));
    }

    [Fact]
    public async Task A_private_rooms_retention_change_is_told_to_its_members_and_to_nobody_else()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        await using var carol = await server.RegisterAsync("carol");
        AssertOk(await RequestAsync(alice, new { type = "join", room = "ops", @private = true, id = "j" }, "j"));
        AssertOk(await RequestAsync(alice, new { type = "invite", room = "ops", user = "bob", id = "i" }, "i"));
        await JoinRoomAsync(bob, "ops");

        AssertOk(await RequestAsync(alice, new { type = "room_set", room = "ops", retentionDays = 7, id = "r" }, "r"));
        var told = await bob.ReadUntilAsync(f => f.Type() == "retention");
        Assert.Equal(("ops", 7, "room"), (told.Str("room"), told["retentionDays"]!.GetValue<int>(), told.Str("retentionSource")));

        // Carol (online, not a member) was told nothing before her pong, and the room's info is still hidden from her.
        var skipped = new List<JsonObject>();
        Assert.Equal("pong", (await RequestAsync(carol, new { type = "ping", id = "p" }, "p", skipped)).Type());
        Assert.DoesNotContain(skipped, f => f.Type() == "retention" || f.Str("room") == "ops");
        AssertError(await RequestAsync(carol, new { type = "room_set", room = "ops", retentionDays = 1, id = "c" }, "c"), "no_such_room");
    }

    [Fact]
    public async Task An_event_stream_of_a_member_carries_the_room_frames_retention_and_the_change_as_a_retention_event()
    {
        await using var server = await TestServer.StartAsync(("Hub:Retention:Days", "90"));
        await using var alice = await server.RegisterAsync("alice");
        await JoinRoomAsync(alice, "dev");
        await using var bob = await server.RegisterAsync("bob");
        await JoinRoomAsync(bob, "dev");
        await using var stream = await SseReader.OpenAsync(server, bob.Welcome.Str("token")!);
        var room = await stream.ReadUntilAsync(e => e.Event == "room" && e.Json.Str("room") == "dev");
        Assert.Equal((90, "server"), (room.Json["retentionDays"]!.GetValue<int>(), room.Json.Str("retentionSource")));

        AssertOk(await RequestAsync(alice, new { type = "room_set", room = "dev", retentionDays = 3, id = "r" }, "r"));
        var overTcp = await bob.ReadUntilAsync(f => f.Type() == "retention");
        var overSse = await stream.ReadUntilAsync(e => e.Event == "retention");
        Assert.True(JsonNode.DeepEquals(overTcp, overSse.Json), $"{overTcp.ToJsonString()} vs {overSse.Data}");
        Assert.Equal((3, "room", "alice"), (overSse.Json["retentionDays"]!.GetValue<int>(), overSse.Json.Str("retentionSource"), overSse.Json.Str("by")));
    }

    [Fact]
    public async Task An_irc_client_in_the_channel_sees_the_change_as_a_notice_from_the_server_in_words()
    {
        await using var server = await TestServer.StartAsync(("Hub:Retention:Days", "14"));
        await IrcModerationTests.AccountsAsync(server, "alice", "bob");
        await using var alice = await server.LoginAsync("alice");
        await JoinRoomAsync(alice, "dev");
        await using var bob = await IrcTestClient.RegisterAsync(server, "bob", Password);
        await IrcModerationTests.JoinAsync(bob, "#dev");

        string[] expected = ["alice set #dev to keep messages for 30 days", "alice set #dev to keep messages for good", "alice set #dev to follow the server's retention (14 days)"];
        foreach (var (days, words) in new[] { 30, 0, -1 }.Zip(expected))
        {
            AssertOk(await RequestAsync(alice, new { type = "room_set", room = "dev", retentionDays = days, id = $"r{days}" }, $"r{days}"));
            var notice = await bob.ExpectAsync(l => l.Command == "NOTICE" && l.Param(0) == "#dev");
            Assert.Equal(words, notice.Trailing);
            Assert.DoesNotContain("!", notice.Source, StringComparison.Ordinal); // from the server, not from a user
        }
    }
}
