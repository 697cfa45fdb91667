using System.Text;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Irc;

/// <summary>
/// The IRC door beside the other doors: an IRC client, a native TCP client and a WebSocket client (what the page
/// speaks) in one room see each other's messages, joins, parts, topics and kicks, and private messages cross doors.
/// </summary>
public class IrcCrossDoorTests
{
    [Fact]
    public async Task Messages_joins_parts_and_topics_cross_between_irc_native_and_websocket()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await ProtocolSteps.JoinRoomAsync(bob, "dev"); // bob owns dev
        await using var alice = await server.IrcAccountAsync("alice", "message-tags", "server-time", "account-tag");
        await alice.JoinChannelAsync("#dev");
        await bob.ExpectJoinedAsync("dev", "alice");
        await using var carol = await server.WebSocketAccountAsync("carol");
        await ProtocolSteps.JoinRoomAsync(carol, "dev");
        await alice.ExpectFromAsync("carol", "JOIN", "#dev");
        await bob.ExpectJoinedAsync("dev", "carol");

        // Each door's message reaches the two others, with one id everywhere (IRC's msgid is Piazza's message id).
        await alice.SendAsync("PRIVMSG #dev :hello from irc");
        var onBob = await bob.ExpectMessageAsync("hello from irc");
        Assert.Equal(("alice", "dev"), (onBob.Str("from"), onBob.Str("room")));
        Assert.Equal(onBob.Str("id"), (await carol.ExpectMessageAsync("hello from irc")).Str("id"));
        var sent = await ProtocolSteps.SendOkAsync(bob, "dev", "hello from tcp", "b1");
        var fromBob = await alice.ExpectFromAsync("bob", "PRIVMSG", "#dev");
        Assert.Equal("hello from tcp", fromBob.Trailing);
        Assert.Equal(sent.Str("msg"), fromBob.Tag("msgid"));
        Assert.Equal("bob", fromBob.Tag("account"));
        await carol.ExpectMessageAsync("hello from tcp");
        await ProtocolSteps.SendOkAsync(carol, "dev", "hello from the web", "c1");
        Assert.Equal("hello from the web", (await alice.ExpectFromAsync("carol", "PRIVMSG", "#dev")).Trailing);
        await bob.ExpectMessageAsync("hello from the web");

        // What IRC wrote is history for the other doors.
        var history = await ProtocolSteps.RequestAsync(carol, new { type = "history", room = "dev", id = "h" }, "h");
        Assert.Equal(["hello from irc", "hello from tcp", "hello from the web"], ProtocolSteps.Texts(history));

        // Topics: the owner's native topic reaches IRC; a locked topic refuses IRC with 482; unlocked, IRC sets it for all.
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "topic", room = "dev", topic = "native topic", id = "t1" }, "t1"));
        Assert.Equal("native topic", (await alice.ExpectFromAsync("bob", "TOPIC", "#dev")).Trailing);
        await alice.SendAsync("TOPIC #dev :irc topic");
        await alice.ExpectAsync(l => l.Command == "482" && l.Param(1) == "#dev");
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "topic", room = "dev", @lock = false, id = "t2" }, "t2"));
        await alice.SendAsync("TOPIC #dev :irc topic");
        var topicOnWeb = await carol.ReadUntilAsync(f => f.Type() == "topic" && f.Str("topic") == "irc topic");
        Assert.Equal("alice", topicOnWeb.Str("by"));
        Assert.Equal("alice", (await bob.ReadUntilAsync(f => f.Type() == "topic" && f.Str("topic") == "irc topic")).Str("by"));
        await alice.SendAsync("TOPIC #dev");
        Assert.Equal("irc topic", (await alice.ExpectAsync("332")).Trailing);

        // Parts: a WebSocket leave is a PART on IRC; an IRC PART is a left on the others; an IRC QUIT is a quit.
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(carol, new { type = "leave", room = "dev", id = "l" }, "l"));
        await alice.ExpectFromAsync("carol", "PART", "#dev");
        Assert.Equal("left", await bob.ExpectLeftAsync("dev", "carol"));
        await alice.SendAsync("PART #dev :bye");
        await alice.ExpectFromAsync("alice", "PART", "#dev");
        Assert.Equal("left", await bob.ExpectLeftAsync("dev", "alice"));
        await alice.SendAsync("QUIT :gone home");
        await alice.ExpectAsync("ERROR");
        await alice.ExpectClosedAsync();
        Assert.Equal("quit", await carol.ExpectLeftAsync("lobby", "alice"));
    }

    [Fact]
    public async Task Private_messages_cross_doors_both_ways_and_nobody_else_sees_them()
    {
        await using var server = await TestServer.StartAsync();
        await using var dave = await IrcTestClient.RegisterAsync(server, "dave"); // an IRC guest who must see none of it
        await using var alice = await server.IrcAccountAsync("alice", "echo-message", "message-tags", "account-tag");
        await using var bob = await server.RegisterAsync("bob");
        await using var carol = await server.WebSocketAccountAsync("carol");

        // IRC → native: a nick is a private conversation.
        await alice.SendAsync("PRIVMSG bob :psst from irc");
        var dm = await bob.ExpectMessageAsync("psst from irc");
        Assert.Equal(("alice", "bob", "@alice,bob"), (dm.Str("from"), dm.Str("to"), dm.Str("room")));
        var echo = await alice.ExpectFromAsync("alice", "PRIVMSG", "bob");
        Assert.Equal(dm.Str("id"), echo.Tag("msgid"));

        // Native → IRC: PRIVMSG <ircnick> from the sender.
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "send", to = "alice", text = "hi back from tcp", id = "p1" }, "p1"));
        var back = await alice.ExpectFromAsync("bob", "PRIVMSG", "alice");
        Assert.Equal("hi back from tcp", back.Trailing);
        Assert.Equal("bob", back.Tag("account"));

        // WebSocket → IRC, and an IRC guest → WebSocket.
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(carol, new { type = "send", to = "alice", text = "hi from the web", id = "w1" }, "w1"));
        Assert.Equal("hi from the web", (await alice.ExpectFromAsync("carol", "PRIVMSG", "alice")).Trailing);
        await dave.SendAsync("PRIVMSG carol :a guest says hi");
        var fromGuest = await carol.ExpectMessageAsync("a guest says hi");
        Assert.Equal(("dave", "carol"), (fromGuest.Str("from"), fromGuest.Str("to")));
        Assert.StartsWith("@carol,~dave~", fromGuest.Str("room"), StringComparison.Ordinal);

        // A nick nobody uses is 401; and the bystander saw no private line of the others.
        await alice.SendAsync("PRIVMSG nobody-here :hello?");
        Assert.Equal("nobody-here", (await alice.ExpectAsync("401")).Param(1));
        await dave.SyncAsync();
        Assert.DoesNotContain(dave.Seen, l => l.Contains("psst", StringComparison.Ordinal) || l.Contains("hi back", StringComparison.Ordinal) || l.Contains("from the web", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_multi_line_native_message_is_one_privmsg_per_line_and_a_long_one_is_cut_between_code_points()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await IrcTestClient.RegisterAsync(server, "alice");
        await using var bob = await server.GuestAsync("bob");
        await alice.ExpectFromAsync("bob", "JOIN", "#lobby");

        await ProtocolSteps.SendOkAsync(bob, "lobby", "first line\nsecond line\n\nfourth, after a blank one", "m1");
        var lines = await alice.CollectUntilAsync(l => l.Command == "PRIVMSG" && l.Trailing == "fourth, after a blank one");
        Assert.Equal(["first line", "second line", " ", "fourth, after a blank one"], lines.Where(l => l.Command == "PRIVMSG").Select(l => l.Trailing));

        // 2,700 UTF-8 bytes without a space: cut to fit 512-byte lines, never inside a code point, nothing lost.
        var text = string.Concat(Enumerable.Repeat("é€😀", 300));
        await ProtocolSteps.SendOkAsync(bob, "lobby", text, "m2");
        var pieces = new List<IrcLineParts>();
        while (pieces.Sum(p => p.Trailing!.Length) < text.Length)
        {
            pieces.Add(await alice.ExpectFromAsync("bob", "PRIVMSG", "#lobby"));
        }

        Assert.True(pieces.Count >= 6, $"{pieces.Count} lines");
        Assert.All(pieces, p => Assert.True(Encoding.UTF8.GetByteCount(p.Raw) <= 510, $"{Encoding.UTF8.GetByteCount(p.Raw)} bytes: {p.Raw}"));
        Assert.Equal(text, string.Concat(pieces.Select(p => p.Trailing)));
    }

    [Fact]
    public async Task A_native_kick_is_a_KICK_on_irc_and_a_kicked_irc_user_is_out_of_the_channel()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        await using var alice = await server.IrcAccountAsync("alice");
        await alice.JoinChannelAsync("#dev");
        await using var carol = await server.WebSocketAccountAsync("carol");
        await ProtocolSteps.JoinRoomAsync(carol, "dev");
        await alice.ExpectFromAsync("carol", "JOIN", "#dev");

        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "kick", room = "dev", user = "carol", reason = "off topic", id = "k1" }, "k1"));
        var kick = await alice.ExpectFromAsync("bob", "KICK", "#dev");
        Assert.Equal(("carol", "off topic"), (kick.Param(1), kick.Trailing));
        var carolKicked = await carol.ReadUntilAsync(f => f.Type() == "left" && f.Str("user") == "carol");
        Assert.Equal(("kicked", "bob"), (carolKicked.Str("reason"), carolKicked.Str("by")));

        // The IRC user kicked by a native moderator sees its own KICK and may no longer speak in the channel.
        var beforeOk = new List<System.Text.Json.Nodes.JsonObject>();
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "kick", room = "dev", user = "alice", reason = "enough", id = "k2" }, "k2", beforeOk));
        var own = await alice.ExpectFromAsync("bob", "KICK", "#dev");
        Assert.Equal(("alice", "enough"), (own.Param(1), own.Trailing));
        await alice.SendAsync("PRIVMSG #dev :still here?");
        var refused = await alice.ExpectAsync(l => l.Command is "442" or "404");
        Assert.Equal("#dev", refused.Param(1));
        Assert.Contains(beforeOk, f => f.Type() == "left" && f.Str("user") == "alice" && f.Str("reason") == "kicked");
    }
}
