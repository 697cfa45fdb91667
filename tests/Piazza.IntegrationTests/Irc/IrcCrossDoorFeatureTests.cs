using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Irc;

/// <summary>
/// The conversation features across doors, as IRCv3 maps them: KICK, +draft/react, draft/message-redaction,
/// draft/chathistory and draft/read-marker against what native and WebSocket clients (the web page) see.
/// </summary>
public class IrcCrossDoorFeatureTests
{
    [Fact]
    public async Task An_irc_KICK_by_the_channel_owner_removes_a_native_user_for_every_door_and_a_member_gets_482()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.IrcAccountAsync("alice");
        await alice.JoinChannelAsync("#ops"); // alice creates ops, so she owns it
        await using var bob = await server.RegisterAsync("bob");
        await ProtocolSteps.JoinRoomAsync(bob, "ops");
        await using var carol = await server.WebSocketAccountAsync("carol");
        await ProtocolSteps.JoinRoomAsync(carol, "ops");
        await using var dave = await server.IrcAccountAsync("dave");
        await dave.JoinChannelAsync("#ops");
        await alice.ExpectFromAsync("dave", "JOIN", "#ops");

        await dave.SendAsync("KICK #ops bob :not yours to kick");
        Assert.Equal("#ops", (await dave.ExpectAsync("482")).Param(1));

        await alice.SendAsync("KICK #ops bob :behave");
        var left = await bob.ReadUntilAsync(f => f.Type() == "left" && f.Str("user") == "bob" && f.Str("room") == "ops");
        Assert.Equal(("kicked", "alice", "behave"), (left.Str("reason"), left.Str("by"), left.Str("message")));
        Assert.Equal("kicked", await carol.ExpectLeftAsync("ops", "bob"));
        var kick = await dave.ExpectFromAsync("alice", "KICK", "#ops");
        Assert.Equal(("bob", "behave"), (kick.Param(1), kick.Trailing));
    }

    [Fact]
    public async Task Reactions_cross_doors_as_draft_react_TAGMSGs()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        await using var alice = await server.IrcAccountAsync("alice", "message-tags", "echo-message");
        await alice.JoinChannelAsync("#dev");
        await using var carol = await server.WebSocketAccountAsync("carol");
        await ProtocolSteps.JoinRoomAsync(carol, "dev");
        var message = (await ProtocolSteps.SendOkAsync(bob, "dev", "react to me", "m1")).Str("msg")!;
        await alice.ExpectFromAsync("bob", "PRIVMSG", "#dev");

        // Native → IRC.
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "react", msg = message, emoji = "👍", id = "r1" }, "r1"));
        var tagmsg = await alice.ExpectFromAsync("bob", "TAGMSG", "#dev");
        Assert.Equal(("👍", message), (tagmsg.Tag("+draft/react"), tagmsg.Tag("+draft/reply")));

        // IRC → WebSocket and native.
        await alice.SendAsync($"@+draft/reply={message};+draft/react=🎉 TAGMSG #dev");
        var onWeb = await carol.ReadUntilAsync(f => f.Type() == "reaction" && f.Str("emoji") == "🎉");
        Assert.Equal(("alice", message, true), (onWeb.Str("user"), onWeb.Str("msg"), onWeb["on"]!.GetValue<bool>()));
        await bob.ReadUntilAsync(f => f.Type() == "reaction" && f.Str("emoji") == "🎉" && f.Str("user") == "alice");
        var history = await ProtocolSteps.RequestAsync(carol, new { type = "history", room = "dev", id = "h" }, "h");
        var reactions = history["messages"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == message)!["reactions"]!.AsArray();
        Assert.Equal(["👍", "🎉"], reactions.Select(r => r!["emoji"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Deletions_cross_doors_as_REDACT_and_an_irc_REDACT_deletes_for_everyone()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        await using var alice = await server.IrcAccountAsync("alice", "message-tags", "echo-message", "draft/message-redaction");
        await alice.JoinChannelAsync("#dev");
        await using var carol = await server.WebSocketAccountAsync("carol");
        await ProtocolSteps.JoinRoomAsync(carol, "dev");

        // Native → IRC.
        var bobs = (await ProtocolSteps.SendOkAsync(bob, "dev", "regrettable", "m1")).Str("msg")!;
        await alice.ExpectFromAsync("bob", "PRIVMSG", "#dev");
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "delete", room = "dev", msg = bobs, id = "d1" }, "d1"));
        var redact = await alice.ExpectFromAsync("bob", "REDACT", "#dev");
        Assert.Equal(bobs, redact.Param(1));

        // IRC → WebSocket: alice deletes her own message by its msgid; she may not delete bob's.
        await alice.SendAsync("PRIVMSG #dev :oops, wrong channel");
        var alices = (await alice.ExpectFromAsync("alice", "PRIVMSG", "#dev")).Tag("msgid")!;
        await carol.ExpectMessageAsync("oops, wrong channel");
        await alice.SendAsync($"REDACT #dev {alices} :typo");
        var deleted = await carol.ReadUntilAsync(f => f.Type() == "deleted" && f.Str("msg") == alices);
        Assert.Equal("alice", deleted.Str("by"));
        await bob.ReadUntilAsync(f => f.Type() == "deleted" && f.Str("msg") == alices);
        var other = (await ProtocolSteps.SendOkAsync(bob, "dev", "mine, not yours", "m2")).Str("msg")!;
        await alice.SendAsync($"REDACT #dev {other}");
        Assert.Equal("REDACT", (await alice.ExpectAsync("FAIL")).Param(0));
        var history = await ProtocolSteps.RequestAsync(carol, new { type = "history", room = "dev", id = "h" }, "h");
        Assert.Equal(["", "", "mine, not yours"], ProtocolSteps.Texts(history));
    }

    [Fact]
    public async Task Chathistory_returns_what_other_doors_wrote_with_their_ids_and_nothing_of_a_private_room()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        await using var carol = await server.WebSocketAccountAsync("carol");
        await ProtocolSteps.JoinRoomAsync(carol, "dev");
        Assert.True((await server.Hub.RegisterForTokenAsync("alice", ProtocolSteps.Password, "127.0.0.1")).Succeeded);
        var ids = new List<string>();
        ids.Add((await ProtocolSteps.SendOkAsync(bob, "dev", "h1 from tcp", "h1")).Str("msg")!);
        ids.Add((await ProtocolSteps.SendOkAsync(carol, "dev", "h2 from the web", "h2")).Str("msg")!);
        ids.Add((await ProtocolSteps.SendOkAsync(bob, "dev", "h3 from tcp", "h3")).Str("msg")!);
        await ProtocolSteps.JoinRoomAsync(bob, "vault", "jv");
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "room_set", room = "vault", @private = true, id = "p" }, "p"));
        await ProtocolSteps.SendOkAsync(bob, "vault", "classified", "c1");
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "send", to = "alice", text = "a private hello", id = "dm" }, "dm"));

        await using var alice = await IrcTestClient.RegisterAsync(server, "alice", ProtocolSteps.Password, "draft/chathistory", "batch", "server-time", "message-tags");
        await alice.JoinChannelAsync("#dev");
        await alice.SendAsync("CHATHISTORY LATEST #dev * 10");
        var latest = await ReadBatchAsync(alice);
        Assert.Equal(["h1 from tcp", "h2 from the web", "h3 from tcp"], latest.Select(l => l.Trailing));
        Assert.Equal(ids, latest.Select(l => l.Tag("msgid")));
        Assert.Equal(["bob", "carol", "bob"], latest.Select(l => l.SourceNick));

        await alice.SendAsync($"CHATHISTORY BEFORE #dev msgid={ids[2]} 10");
        Assert.Equal(["h1 from tcp", "h2 from the web"], (await ReadBatchAsync(alice)).Select(l => l.Trailing));
        await alice.SendAsync("CHATHISTORY LATEST bob * 10");
        Assert.Equal(["a private hello"], (await ReadBatchAsync(alice)).Select(l => l.Trailing));

        // A private room alice is not in answers as a room that does not exist, and shows nothing.
        await alice.SendAsync("CHATHISTORY LATEST #vault * 10");
        var refusal = await alice.ExpectAsync(l => l.Command is "FAIL" or "403" or "BATCH");
        Assert.NotEqual("BATCH", refusal.Command);
        await alice.SyncAsync();
        Assert.DoesNotContain(alice.Seen, l => l.Contains("classified", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_MARKREAD_on_irc_is_the_read_frame_the_web_page_sees_and_a_web_read_is_a_MARKREAD()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        await using var alice = await server.IrcAccountAsync("alice", "draft/read-marker", "server-time", "message-tags");
        await alice.JoinChannelAsync("#dev");
        await using var aliceOnWeb = await server.WebSocketLoginAsync("alice");
        var first = await ProtocolSteps.SendOkAsync(bob, "dev", "read me", "m1");
        var firstOnIrc = await alice.ExpectAsync(l => l.Command == "PRIVMSG" && l.Trailing == "read me");
        var second = await ProtocolSteps.SendOkAsync(bob, "dev", "and me", "m2");
        await alice.ExpectAsync(l => l.Command == "PRIVMSG" && l.Trailing == "and me");

        await alice.SendAsync($"MARKREAD #dev timestamp={firstOnIrc.Tag("time")}");
        var echoed = await alice.ExpectAsync(l => l.Command == "MARKREAD" && l.Param(0) == "#dev" && l.Param(1) == $"timestamp={firstOnIrc.Tag("time")}");
        Assert.NotNull(echoed);
        var read = await aliceOnWeb.ReadUntilAsync(f => f.Type() == "read" && f.Str("room") == "dev");
        Assert.Equal(first.Seq(), read.Seq());

        // The other way: the page reads on, and the IRC client hears the newer marker.
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(aliceOnWeb, new { type = "read", room = "dev", seq = second.Seq(), id = "r" }, "r"));
        var marker = await alice.ExpectAsync(l => l.Command == "MARKREAD" && l.Param(0) == "#dev" && l.Param(1) != $"timestamp={firstOnIrc.Tag("time")}");
        Assert.StartsWith("timestamp=", marker.Param(1), StringComparison.Ordinal);
        await using var aliceLater = await server.WebSocketLoginAsync("alice");
        var conversations = aliceLater.Welcome["conversations"]!.AsArray();
        Assert.Equal(second.Seq(), conversations.Single(c => c!["room"]!.GetValue<string>() == "dev")!["read"]!.GetValue<long>());
    }

    /// <summary>Reads a <c>BATCH +id chathistory</c> to its end; returns its PRIVMSG lines.</summary>
    private static async Task<List<IrcLineParts>> ReadBatchAsync(IrcTestClient irc)
    {
        var start = await irc.ExpectAsync(l => l.Command == "BATCH" && l.Param(0)!.StartsWith('+'));
        Assert.Equal("chathistory", start.Param(1));
        var id = start.Param(0)![1..];
        var lines = await irc.CollectUntilAsync(l => l.Command == "BATCH" && l.Param(0) == "-" + id);
        Assert.All(lines.SkipLast(1), l => Assert.Equal(id, l.Tag("batch")));
        return [.. lines.Where(l => l.Command == "PRIVMSG")];
    }
}
