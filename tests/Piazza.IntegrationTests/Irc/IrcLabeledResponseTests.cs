using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Irc;

/// <summary>labeled-response: one reply line carries the label, several come in a labeled-response batch, none is an ACK.</summary>
public class IrcLabeledResponseTests
{
    private static readonly string[] LabelCaps = ["batch", "labeled-response", "message-tags", "server-time", "draft/chathistory"];

    [Fact]
    public async Task One_line_carries_the_label_several_come_in_a_batch_and_none_is_an_ack()
    {
        await using var server = await TestServer.StartAsync();
        await using var irc = await IrcTestClient.RegisterAsync(server, "lana", null, LabelCaps);
        await irc.SendAsync("JOIN #dev");
        await irc.ExpectAsync(l => l.Command == "366" && l.Param(1) == "#dev");

        await irc.SendAsync("@label=one PING token");
        var pong = await irc.ExpectAsync("PONG");
        Assert.Equal("one", pong.Tag("label"));

        await irc.SendAsync("@label=none PONG token");
        var ack = await irc.ExpectAsync(l => l.Tag("label") is not null);
        Assert.Equal(("ACK", "none"), (ack.Command, ack.Tag("label")));

        await irc.SendAsync("@label=many NAMES #dev");
        var open = await irc.ExpectAsync("BATCH");
        Assert.Equal(("many", "labeled-response"), (open.Tag("label"), open.Param(1)));
        var id = open.Param(0)![1..];
        var inside = await irc.CollectUntilAsync(l => l.Command == "BATCH" && l.Param(0) == "-" + id);
        Assert.Equal(["353", "366"], inside.SkipLast(1).Select(l => l.Command));
        Assert.All(inside.SkipLast(1), l => Assert.Equal((id, null), (l.Tag("batch"), l.Tag("label"))));

        // An error reply is the response too; a label needing escapes comes back as it was sent.
        await irc.SendAsync(@"@label=a\sb\:c PART #nowhere");
        var refused = await irc.ExpectAsync(l => l.Tag("label") is not null);
        Assert.Equal(("a b;c", "403"), (refused.Tag("label"), refused.Command));
        Assert.DoesNotContain(await irc.SyncAsync(), l => l.Tag("label") is not null);
    }

    [Fact]
    public async Task A_chathistory_batch_carries_its_label_and_a_client_without_the_capability_gets_none()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await JoinRoomAsync(alice, "dev");
        await SendOkAsync(alice, "dev", "hello", "s1");
        await using var irc = await IrcTestClient.RegisterAsync(server, "lana", null, LabelCaps);
        await irc.SendAsync("JOIN #dev");
        await irc.ExpectAsync(l => l.Command == "366" && l.Param(1) == "#dev");

        await irc.SendAsync("@label=h1 CHATHISTORY LATEST #dev * 5");
        var open = await irc.ExpectAsync("BATCH");
        Assert.Equal(("h1", "chathistory", "#dev"), (open.Tag("label"), open.Param(1), open.Param(2)));
        var lines = await irc.CollectUntilAsync(l => l.Command == "BATCH");
        Assert.Equal(["hello"], lines.Where(l => l.Command == "PRIVMSG").Select(l => l.Trailing));
        Assert.DoesNotContain((await irc.SyncAsync()).Concat(lines), l => l.Command == "ACK"); // the batch was the answer

        // A failed request is labelled as its one line.
        await irc.SendAsync("@label=h2 CHATHISTORY LATEST #nowhere * 5");
        var fail = await irc.ExpectAsync("FAIL");
        Assert.Equal(("h2", "INVALID_TARGET"), (fail.Tag("label"), fail.Param(1)));

        await using var plain = await IrcTestClient.RegisterAsync(server, "plain", null, "message-tags");
        await plain.SendAsync("@label=x PING token");
        var pong = await plain.ExpectAsync("PONG");
        Assert.Null(pong.Tag("label"));
        Assert.DoesNotContain(await plain.SyncAsync(), l => l.Command == "ACK");
    }
}
