using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Irc;

/// <summary>
/// Piazza's message features across the IRC door and the native one: reactions as <c>+draft/react</c> TAGMSG, deletions
/// as REDACT (and its fallback), edits as a marked line, typing as <c>+typing</c>, replies as <c>+draft/reply</c>, and
/// client draft/multiline batches as one message.
/// </summary>
public class IrcMessageFeatureTests
{
    private const string IrcPassword = "ircpass-123";

    /// <summary>Registers <paramref name="nick"/> as an account and connects it over IRC with <paramref name="caps"/> (it lands in #lobby).</summary>
    private static async Task<IrcTestClient> IrcAccountAsync(TestServer server, string nick, params string[] caps)
    {
        Assert.True((await server.Hub.RegisterForTokenAsync(nick, IrcPassword, "127.0.0.1")).Succeeded);
        var irc = await IrcTestClient.RegisterAsync(server, nick, IrcPassword, caps);
        await irc.ExpectAsync("366");
        return irc;
    }

    [Fact]
    public async Task Reactions_cross_the_door_both_ways_as_draft_react_tagmsg_and_plain_clients_see_none()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await IrcAccountAsync(server, "alice", "message-tags");
        await using var plain = await IrcAccountAsync(server, "carol");
        await using var bob = await server.RegisterAsync("bob");
        var msg = (await SendOkAsync(bob, "lobby", "shipped", "s1")).Str("msg")!;
        Assert.Equal(msg, (await alice.ExpectAsync("PRIVMSG")).Tag("msgid"));

        AssertOk(await RequestAsync(bob, new { type = "react", msg, emoji = "👍", id = "r1" }, "r1"));
        var tagmsg = await alice.ExpectAsync("TAGMSG");
        Assert.Equal(("bob", "#lobby", "👍", msg), (tagmsg.SourceNick, tagmsg.Param(0), tagmsg.Tag("+draft/react"), tagmsg.Tag("+draft/reply")));
        Assert.DoesNotContain(await plain.SyncAsync(), l => l.Command == "TAGMSG" || l.Raw.Contains("👍", StringComparison.Ordinal));

        await alice.SendAsync($"@+draft/react=🎉;+draft/reply={msg} TAGMSG #lobby");
        var heard = await bob.ReadUntilAsync(f => f.Type() == "reaction" && f.Str("user") == "alice");
        Assert.Equal((msg, "🎉", true), (heard.Str("msg"), heard.Str("emoji"), heard["on"]!.GetValue<bool>()));
        await alice.SendAsync($"@+draft/unreact=🎉;+draft/reply={msg} TAGMSG #lobby");
        var off = await bob.ReadUntilAsync(f => f.Type() == "reaction" && f.Str("user") == "alice");
        Assert.Equal((msg, "🎉", false), (off.Str("msg"), off.Str("emoji"), off["on"]!.GetValue<bool>()));

        // Without the message it is for, or for a message nobody can see: FAIL, and nothing reaches the room.
        await alice.SendAsync("@+draft/react=🎉 TAGMSG #lobby");
        Assert.Equal(["TAGMSG", "INVALID_REACTION"], (await alice.ExpectAsync("FAIL")).Parameters.Take(2));
        await alice.SendAsync("@+draft/react=🎉;+draft/reply=no-such-message TAGMSG #lobby");
        Assert.Equal(["TAGMSG", "NO_SUCH_MESSAGE"], (await alice.ExpectAsync("FAIL")).Parameters.Take(2));
        Assert.DoesNotContain(await FramesUntilPongAsync(bob), f => f.Type() == "reaction");
    }

    [Fact]
    public async Task A_reaction_in_a_private_conversation_targets_the_other_persons_nick()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await IrcAccountAsync(server, "alice", "message-tags");
        await using var bob = await server.RegisterAsync("bob");
        await alice.SendAsync("PRIVMSG bob :psst");
        var dm = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "psst");

        AssertOk(await RequestAsync(bob, new { type = "react", msg = dm.Str("msg"), emoji = "👀", id = "r" }, "r"));
        var tagmsg = await alice.ExpectAsync("TAGMSG");
        Assert.Equal(("bob", "alice", "👀"), (tagmsg.SourceNick, tagmsg.Param(0), tagmsg.Tag("+draft/react")));
    }

    [Fact]
    public async Task A_native_deletion_is_redact_with_the_cap_and_a_marked_notice_without()
    {
        await using var server = await TestServer.StartAsync();
        await using var modern = await IrcAccountAsync(server, "alice", "message-tags", "draft/message-redaction");
        await using var plain = await IrcAccountAsync(server, "carol");
        await using var bob = await server.RegisterAsync("bob");
        var msg = (await SendOkAsync(bob, "lobby", "oops", "s1")).Str("msg")!;
        await plain.ExpectAsync("PRIVMSG");

        AssertOk(await RequestAsync(bob, new { type = "delete", msg, id = "d" }, "d"));
        var redact = await modern.ExpectAsync("REDACT");
        Assert.Equal(("bob", "#lobby", msg), (redact.SourceNick, redact.Param(0), redact.Param(1)));
        Assert.DoesNotContain(await modern.SyncAsync(), l => l.Command == "NOTICE");
        var notice = await plain.ExpectAsync("NOTICE");
        Assert.Equal(("bob", "#lobby", "[deleted a message]"), (notice.SourceNick, notice.Param(0), notice.Trailing));
        Assert.DoesNotContain(await plain.SyncAsync(), l => l.Command == "REDACT");
    }

    [Fact]
    public async Task Redact_deletes_for_native_clients_and_refusals_are_the_specs_fail_codes()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await IrcAccountAsync(server, "alice", "message-tags", "echo-message", "draft/message-redaction");
        await using var bob = await server.RegisterAsync("bob");
        await alice.SendAsync("PRIVMSG #lobby :a typo");
        var own = (await alice.ExpectAsync("PRIVMSG")).Tag("msgid")!;
        await alice.SendAsync($"REDACT #lobby {own} :typo");
        var deleted = await bob.ReadUntilAsync(f => f.Type() == "deleted");
        Assert.Equal((own, "alice"), (deleted.Str("msg"), deleted.Str("by")));
        Assert.Equal(own, (await alice.ExpectAsync("REDACT")).Param(1)); // echoed, as PRIVMSG is

        var bobs = (await SendOkAsync(bob, "lobby", "mine", "s1")).Str("msg")!;
        await alice.SendAsync($"REDACT #lobby {bobs}");
        Assert.Equal(["REDACT", "REDACT_FORBIDDEN", "#lobby", bobs], (await alice.ExpectAsync("FAIL")).Parameters.Take(4));

        // A message in a room alice is not in is as unknown as one that never was: no leak of its existence.
        await JoinRoomAsync(bob, "backroom");
        var hidden = (await SendOkAsync(bob, "backroom", "secret", "s2")).Str("msg")!;
        await alice.SendAsync($"REDACT #backroom {hidden}");
        var unseen = await alice.ExpectAsync("FAIL");
        await alice.SendAsync("REDACT #backroom no-such-id");
        var missing = await alice.ExpectAsync("FAIL");
        Assert.Equal(["REDACT", "UNKNOWN_MSGID", "#backroom", hidden], unseen.Parameters.Take(4));
        Assert.Equal(["REDACT", "UNKNOWN_MSGID", "#backroom", "no-such-id"], missing.Parameters.Take(4));
        await alice.SendAsync("REDACT #lobby");
        Assert.Equal("REDACT", (await alice.ExpectAsync("461")).Param(1));
        Assert.DoesNotContain(await FramesUntilPongAsync(bob), f => f.Type() == "deleted");
    }

    [Fact]
    public async Task A_native_edit_reaches_irc_as_a_marked_line_replying_to_the_original()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await IrcAccountAsync(server, "alice", "message-tags");
        await using var plain = await IrcAccountAsync(server, "carol");
        await using var bob = await server.RegisterAsync("bob");
        var msg = (await SendOkAsync(bob, "lobby", "helo", "s1")).Str("msg")!;
        await alice.ExpectAsync("PRIVMSG");
        await plain.ExpectAsync("PRIVMSG");

        AssertOk(await RequestAsync(bob, new { type = "edit", msg, text = "hello", id = "e" }, "e"));
        var edited = await alice.ExpectAsync("PRIVMSG");
        Assert.Equal(("bob", "#lobby", "[edited] hello", msg), (edited.SourceNick, edited.Param(0), edited.Trailing, edited.Tag("+draft/reply")));
        Assert.Null(edited.Tag("msgid")); // not a message of its own: nothing to react to or redact
        var seenPlain = await plain.ExpectAsync("PRIVMSG");
        Assert.Equal(("[edited] hello", 0), (seenPlain.Trailing, seenPlain.Tags.Count));
    }

    [Fact]
    public async Task Typing_crosses_the_door_as_the_typing_client_tag()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await IrcAccountAsync(server, "alice", "message-tags");
        await using var plain = await IrcAccountAsync(server, "carol");
        await using var bob = await server.RegisterAsync("bob");

        await bob.SendAsync(new { type = "typing", room = "lobby" });
        var typing = await alice.ExpectAsync("TAGMSG");
        Assert.Equal(("bob", "#lobby", "active"), (typing.SourceNick, typing.Param(0), typing.Tag("+typing")));
        Assert.DoesNotContain(await plain.SyncAsync(), l => l.Command == "TAGMSG");

        await alice.SendAsync("@+typing=paused TAGMSG #lobby"); // Piazza has no "paused": dropped
        await alice.SendAsync("@+typing=active TAGMSG #lobby");
        var heard = await bob.ReadUntilAsync(f => f.Type() == "typing");
        Assert.Equal(("lobby", "alice"), (heard.Str("room"), heard.Str("user")));
    }

    [Fact]
    public async Task A_privmsg_with_draft_reply_is_a_piazza_reply_and_a_reply_carries_the_tag_back()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await IrcAccountAsync(server, "alice", "message-tags");
        await using var bob = await server.RegisterAsync("bob");
        var msg = (await SendOkAsync(bob, "lobby", "question?", "s1")).Str("msg")!;
        await alice.SendAsync($"@+draft/reply={msg} PRIVMSG #lobby :answer");
        var reply = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "answer");
        Assert.Equal(msg, reply["reply"]!["msg"]!.GetValue<string>());

        await RequestAsync(bob, new { type = "send", room = "lobby", text = "thanks", reply = reply.Str("msg"), id = "s2" }, "s2");
        var back = await alice.ExpectAsync(l => l.Command == "PRIVMSG" && l.Trailing == "thanks");
        Assert.Equal(reply.Str("msg"), back.Tag("+draft/reply"));
    }

    [Fact]
    public async Task A_client_multiline_batch_is_one_piazza_message()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await IrcAccountAsync(server, "alice", "batch", "draft/multiline");
        await using var bob = await server.RegisterAsync("bob");
        await alice.SendAsync("BATCH +b1 draft/multiline #lobby");
        await alice.SendAsync("@batch=b1 PRIVMSG #lobby :first line");
        await alice.SendAsync("@batch=b1 PRIVMSG #lobby :");
        await alice.SendAsync("@batch=b1 PRIVMSG #lobby :how is ");
        await alice.SendAsync("@batch=b1;draft/multiline-concat PRIVMSG #lobby :everyone?");
        await alice.SendAsync("BATCH -b1");
        var heard = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "alice");
        Assert.Equal("first line\n\nhow is everyone?", heard.Str("text"));
        Assert.DoesNotContain(await FramesUntilPongAsync(bob), f => f.Type() == "message");
    }

    [Fact]
    public async Task A_multiline_batch_over_its_limits_or_to_another_target_fails_and_sends_nothing()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await IrcAccountAsync(server, "alice", "batch", "draft/multiline");
        await using var plain = await IrcAccountAsync(server, "carol");
        await using var bob = await server.RegisterAsync("bob");

        await alice.SendAsync("BATCH +many draft/multiline #lobby");
        for (var i = 0; i <= 32; i++)
        {
            await alice.SendAsync($"@batch=many PRIVMSG #lobby :line {i}");
        }

        await alice.SendAsync("BATCH -many");
        Assert.Equal(["BATCH", "MULTILINE_MAX_LINES", "32"], (await alice.ExpectAsync("FAIL")).Parameters.Take(3));

        await alice.SendAsync("BATCH +big draft/multiline #lobby");
        for (var i = 0; i < 10; i++)
        {
            await alice.SendAsync("@batch=big PRIVMSG #lobby :" + new string('x', 450));
        }

        await alice.SendAsync("BATCH -big");
        Assert.Equal(["BATCH", "MULTILINE_MAX_BYTES", "4096"], (await alice.ExpectAsync("FAIL")).Parameters.Take(3));

        await alice.SendAsync("BATCH +odd draft/multiline #lobby");
        await alice.SendAsync("@batch=odd PRIVMSG #elsewhere :hi");
        await alice.SendAsync("BATCH -odd");
        Assert.Equal(["BATCH", "MULTILINE_INVALID_TARGET", "#lobby", "#elsewhere"], (await alice.ExpectAsync("FAIL")).Parameters.Take(4));
        await alice.SendAsync("BATCH -never-opened");
        Assert.Equal(["BATCH", "MULTILINE_INVALID"], (await alice.ExpectAsync("FAIL")).Parameters.Take(2));

        // Without the cap the client does not know the limits: refused.
        await plain.SendAsync("BATCH +p draft/multiline #lobby");
        Assert.Equal(["BATCH", "MULTILINE_INVALID"], (await plain.ExpectAsync("FAIL")).Parameters.Take(2));
        Assert.DoesNotContain(await FramesUntilPongAsync(bob), f => f.Type() == "message");
    }

    /// <summary>Frames that arrive before the answer to a ping (what the server queued before it).</summary>
    private static async Task<List<System.Text.Json.Nodes.JsonObject>> FramesUntilPongAsync(RawClient client)
    {
        var id = Guid.NewGuid().ToString("N");
        var skipped = new List<System.Text.Json.Nodes.JsonObject>();
        await RequestAsync(client, new { type = "ping", id }, id, skipped);
        return skipped;
    }
}
