using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// Issue 11, hygiene: free text other than a message (moderation reasons, topics, the hello's client name) reached
/// other people's terminals and the audit log with control characters; hostile names reached the server log raw;
/// a send id of 60,000 characters was stored with the message; a moderator could lift the owner's ban; a guest could
/// be called <c>server.</c>. One suite over every door that carries the frames.
/// </summary>
public abstract class TextHygieneTests
{
    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    private async Task<RawClient> RegisterAsync(TestServer server, string user)
    {
        var client = await ConnectAsync(server);
        await client.SendAsync(new { type = "register", user, password = Password });
        var answer = await client.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.True(answer.Type() == "welcome", answer.ToJsonString());
        return client;
    }

    private async Task<JsonObject> HelloAnswerAsync(TestServer server, object hello)
    {
        await using var client = await ConnectAsync(server);
        return await FirstAnswerAsync(client, hello);
    }

    [Fact]
    public async Task Kick_ban_mute_and_other_reasons_with_escape_sequences_or_line_breaks_are_refused_as_bad_text_and_nothing_is_stored()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await JoinRoomAsync(alice, "den");
        await JoinRoomAsync(bob, "den");

        (string Type, string Reason)[] hostile =
        [
            ("kick", "\u001B[2J\u001B[Hcleared your screen"),
            ("ban", "spam\r\n2026-01-01T00:00:00Z  operator ban alice  forged audit line"),
            ("mute", "nul\u0000byte"),
            ("unmute", "c1 \u009B31m csi"),
            ("unban", "del\u007F"),
            ("op", "line\nbreak"),
            ("deop", "\u001B]0;new title\u0007"),
        ];
        foreach (var (type, reason) in hostile)
        {
            var answer = await RequestAsync(alice, new { type, room = "den", user = "bob", reason, id = type }, type);
            Assert.True(answer.Type() == "error" && answer.Str("code") == "bad_text", $"{type}: {answer.ToJsonString()}");
        }

        // Bob was neither kicked, banned nor muted, and no audit entry holds any of those reasons.
        await SendOkAsync(bob, "den", "still here", "s1");
        Assert.DoesNotContain(await server.Hub.AuditLogAsync(100), e => e.Target == "bob");

        // A plain reason is fine (the refusals above were for the characters, not for the action).
        AssertOk(await RequestAsync(alice, new { type = "mute", room = "den", user = "bob", reason = "too loud\ttoday", id = "m" }, "m"));
        Assert.Contains(await server.Hub.AuditLogAsync(100), e => e.Target == "bob" && e.Reason == "too loud\ttoday");
    }

    [Fact]
    public async Task Topic_with_an_escape_sequence_or_line_break_is_refused_as_bad_text()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await JoinRoomAsync(alice, "den");

        AssertError(await RequestAsync(alice, new { type = "topic", room = "den", topic = "\u001B[5mblink", id = "t1" }, "t1"), "bad_text");
        AssertError(await RequestAsync(alice, new { type = "topic", room = "den", topic = "one\ntwo", id = "t2" }, "t2"), "bad_text");
        AssertOk(await RequestAsync(alice, new { type = "topic", room = "den", topic = "release friday", id = "t3" }, "t3"));
    }

    [Fact]
    public async Task Hello_client_name_with_control_characters_or_over_64_characters_is_refused()
    {
        await using var server = await TestServer.StartAsync();

        var escape = await HelloAnswerAsync(server, new { type = "hello", user = "carol", client = "bot\u001B[31m/1.0" });
        Assert.Equal(("error", "bad_text"), (escape.Type(), escape.Str("code")));
        var huge = await HelloAnswerAsync(server, new { type = "hello", user = "carol", client = new string('c', 65) });
        Assert.Equal(("error", "bad_request"), (huge.Type(), huge.Str("code")));
        var fine = await HelloAnswerAsync(server, new { type = "hello", user = "carol", client = "piazza-bot/1.0 (linux)" });
        Assert.Equal("welcome", fine.Type());
    }

    [Fact]
    public async Task Send_id_of_60000_characters_is_refused_as_bad_request_and_not_stored()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");

        await alice.SendAsync(new { type = "send", room = "lobby", text = "with a huge id", id = new string('x', 60_000) });
        var refused = await alice.ReadUntilAsync(f => f.Type() == "error");
        Assert.Equal("bad_request", refused.Str("code"));
        Assert.Contains("64", refused.Str("message"), StringComparison.Ordinal);
        Assert.Null(refused["re"]); // the offending id is not sent back

        await alice.SendAsync(new { type = "ping", id = new string('p', 65) });
        Assert.Equal("bad_request", (await alice.ReadUntilAsync(f => f.Type() == "error")).Str("code"));

        var longest = new string('i', 64);
        var ok = await SendOkAsync(alice, "lobby", "marker", longest);
        Assert.Equal(longest, ok.Str("re"));
        var seen = new List<JsonObject>();
        await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "marker", skipped: seen);
        Assert.DoesNotContain(seen, f => f.Type() == "message" && f.Str("text") == "with a huge id");
        Assert.Equal(1, ok.Seq());
    }

    [Fact]
    public async Task Hostile_hello_name_and_send_to_are_escaped_in_the_server_log()
    {
        var log = new CapturedLog();
        await using var server = await TestServer.StartLoggingAsync(log, new TestServerOptions());
        const string Forged = "\u001B[2J\r\n12:00:00 info: Piazza.Server[1] admin logged in";

        var refused = await HelloAnswerAsync(server, new { type = "hello", user = "evil" + Forged });
        Assert.Equal("bad_name", refused.Str("code"));
        var helloLine = await log.WaitForAsync(l => l.Contains("Rejected hello", StringComparison.Ordinal) && l.Contains("evil", StringComparison.Ordinal));

        await using var alice = await RegisterAsync(server, "alice");
        AssertError(await RequestAsync(alice, new { type = "send", to = "ghost" + Forged, text = "hi", id = "p" }, "p"), "no_such_user");
        var sendLine = await log.WaitForAsync(l => l.Contains("Protocol error", StringComparison.Ordinal) && l.Contains("ghost", StringComparison.Ordinal));

        foreach (var line in new[] { helloLine, sendLine })
        {
            Assert.DoesNotContain(line, char.IsControl);
            Assert.Contains(@"\u001B[2J\r\n12:00:00", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Moderator_cannot_lift_a_ban_the_owner_set_but_may_lift_a_moderators()
    {
        await using var server = await TestServer.StartAsync();
        await using var owner = await RegisterAsync(server, "alice");
        await using var moderator = await RegisterAsync(server, "carol");
        await using var other = await RegisterAsync(server, "dave");
        await using var bob = await RegisterAsync(server, "bob");
        await JoinRoomAsync(owner, "den");
        foreach (var member in new[] { moderator, other, bob })
        {
            await JoinRoomAsync(member, "den");
        }

        AssertOk(await RequestAsync(owner, new { type = "op", room = "den", user = "carol", id = "o1" }, "o1"));
        AssertOk(await RequestAsync(owner, new { type = "op", room = "den", user = "dave", id = "o2" }, "o2"));

        AssertOk(await RequestAsync(owner, new { type = "ban", room = "den", user = "bob", id = "b1" }, "b1"));
        var refused = await RequestAsync(moderator, new { type = "unban", room = "den", user = "bob", id = "u1" }, "u1");
        AssertError(refused, "forbidden");
        Assert.Contains("alice", refused.Str("message"), StringComparison.Ordinal);
        AssertOk(await RequestAsync(owner, new { type = "unban", room = "den", user = "bob", id = "u2" }, "u2"));

        // Moderators are peers: one may lift another's ban.
        AssertOk(await RequestAsync(other, new { type = "ban", room = "den", user = "bob", id = "b2" }, "b2"));
        AssertOk(await RequestAsync(moderator, new { type = "unban", room = "den", user = "bob", id = "u3" }, "u3"));
    }

    [Theory]
    [InlineData("server.")]
    [InlineData("server_")]
    [InlineData("_root")]
    [InlineData("ad-min")]
    [InlineData("all.")]
    public async Task Guest_may_not_take_a_reserved_name_with_separators_added(string name)
    {
        await using var server = await TestServer.StartAsync();
        var answer = await HelloAnswerAsync(server, new { type = "hello", user = name });
        Assert.Equal(("error", "bad_name"), (answer.Type(), answer.Str("code")));
        Assert.Equal("welcome", (await HelloAnswerAsync(server, new { type = "hello", user = "server_fan" })).Type());
    }
}

public sealed class TcpTextHygieneTests : TextHygieneTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

public sealed class WebSocketTextHygieneTests : TextHygieneTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
