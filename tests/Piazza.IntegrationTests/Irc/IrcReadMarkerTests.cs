using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Irc;

/// <summary>draft/read-marker: MARKREAD is Piazza's read state, shared with the account's native connections both ways.</summary>
public class IrcReadMarkerTests
{
    private static readonly string[] MarkerCaps = ["batch", "server-time", "message-tags", "draft/chathistory", "draft/read-marker"];

    /// <summary>alice on the native door wrote m1…m5 in #dev (their send answers returned); alice on IRC is in #dev too.</summary>
    private static async Task<(TestServer Server, RawClient Native, IrcTestClient Irc, List<long> Seqs)> AliceOnBothDoorsAsync()
    {
        var server = await TestServer.StartAsync();
        var native = await server.RegisterAsync("alice");
        await JoinRoomAsync(native, "dev");
        var seqs = new List<long>();
        for (var i = 1; i <= 5; i++)
        {
            seqs.Add((await SendOkAsync(native, "dev", "m" + i, "s" + i)).Seq());
        }

        var irc = await IrcTestClient.RegisterAsync(server, "alice", Password, MarkerCaps);
        await irc.SendAsync("JOIN #dev");
        await irc.ExpectAsync(l => l.Command == "366" && l.Param(1) == "#dev");
        return (server, native, irc, seqs);
    }

    private static async Task<List<string>> TimesAsync(IrcTestClient irc, string target, int count)
    {
        await irc.SendAsync($"CHATHISTORY LATEST {target} * {count}");
        var lines = await irc.CollectUntilAsync(l => l.Command == "BATCH" && l.Param(0)!.StartsWith('-'));
        return [.. lines.Where(l => l.Command == "PRIVMSG").Select(l => l.Tag("time")!)];
    }

    [Fact]
    public async Task Markread_over_irc_is_the_read_state_a_native_client_of_the_account_hears()
    {
        var (server, native, irc, seqs) = await AliceOnBothDoorsAsync();
        await using var _ = server;
        await using var __ = native;
        await using var ___ = irc;
        var times = await TimesAsync(irc, "#dev", 5);

        // Marking up to m3's time reads every message at or before it (m4 too when sent in the same millisecond).
        var upTo = times.FindLastIndex(t => string.CompareOrdinal(t, times[2]) <= 0);
        await irc.SendAsync($"MARKREAD #dev timestamp={times[2]}");
        var answer = await irc.ExpectAsync("MARKREAD");
        Assert.Equal(["#dev", "timestamp=" + times[upTo]], answer.Parameters);
        var heard = await native.ReadUntilAsync(f => f.Type() == "read" && f.Str("room") == "dev");
        Assert.Equal(seqs[upTo], heard.Seq());

        // Asking answers the stored position; an older one never moves it back.
        await irc.SendAsync("MARKREAD #dev");
        Assert.Equal("timestamp=" + times[upTo], (await irc.ExpectAsync("MARKREAD")).Param(1));
        await irc.SendAsync($"MARKREAD #dev timestamp={times[0]}");
        Assert.Equal("timestamp=" + times[upTo], (await irc.ExpectAsync("MARKREAD")).Param(1));

        // The web page and REST see the same: the account's read position in dev.
        var state = await server.Hub.ConversationsAsync(server.Hub.Sessions.First(s => s.Name == "alice"));
        Assert.Equal(seqs[upTo], state.Single(c => c.Room == "dev").Read);
    }

    [Fact]
    public async Task A_read_on_the_native_door_reaches_irc_as_markread_with_the_messages_time()
    {
        var (server, native, irc, seqs) = await AliceOnBothDoorsAsync();
        await using var _ = server;
        await using var __ = native;
        await using var ___ = irc;
        var times = await TimesAsync(irc, "#dev", 5);
        AssertOk(await RequestAsync(native, new { type = "read", room = "dev", seq = seqs[4], id = "r" }, "r"));
        var marker = await irc.ExpectAsync("MARKREAD");
        Assert.Equal(["#dev", "timestamp=" + times[4]], marker.Parameters);

        // A client without the capability hears nothing of it.
        await using var plain = await IrcTestClient.RegisterAsync(server, "alice", Password, "server-time");
        await plain.SendAsync("JOIN #dev");
        await plain.ExpectAsync(l => l.Command == "366" && l.Param(1) == "#dev");
        AssertOk(await RequestAsync(native, new { type = "read", room = "dev", seq = seqs[4], id = "r2" }, "r2"));
        Assert.DoesNotContain(await plain.SyncAsync(), l => l.Command == "MARKREAD");
    }

    [Fact]
    public async Task Entering_a_room_tells_a_read_marker_client_its_position()
    {
        var (server, native, irc, seqs) = await AliceOnBothDoorsAsync();
        await using var _ = server;
        await using var __ = native;
        await using var ___ = irc;

        // Nothing read yet: the JOIN of #dev was followed by MARKREAD #dev * before the end of the names.
        var joined = irc.Seen.Select(IrcLineParts.Parse).ToList();
        var join = joined.FindIndex(l => l.Command == "JOIN" && l.Param(0) == "#dev");
        var marker = joined.FindIndex(l => l.Command == "MARKREAD" && l.Param(0) == "#dev");
        var names = joined.FindIndex(l => l.Command == "366" && l.Param(1) == "#dev");
        Assert.True(join >= 0 && join < marker && marker < names, string.Join('\n', irc.Seen));
        Assert.Equal("*", joined[marker].Param(1));

        var times = await TimesAsync(irc, "#dev", 5);
        AssertOk(await RequestAsync(native, new { type = "read", room = "dev", seq = seqs[1], id = "r" }, "r"));
        await irc.ExpectAsync("MARKREAD");

        // A second IRC connection of the account enters its rooms at login and hears where it left off in #dev.
        await using var phone = await IrcTestClient.RegisterAsync(server, "alice", Password, MarkerCaps);
        var position = await phone.ExpectAsync(l => l.Command == "MARKREAD" && l.Param(0) == "#dev");
        Assert.Equal("timestamp=" + times[1], position.Param(1));
    }

    [Fact]
    public async Task Private_conversations_are_marked_by_nick_and_bad_input_gets_fail()
    {
        var (server, native, irc, _) = await AliceOnBothDoorsAsync();
        await using var __ = server;
        await using var ___ = native;
        await using var ____ = irc;
        await using var bob = await server.RegisterAsync("bob");
        AssertOk(await RequestAsync(bob, new { type = "send", to = "alice", text = "psst", id = "p" }, "p"));
        var psst = await irc.ExpectAsync(l => l.Command == "PRIVMSG" && l.Trailing == "psst");

        await irc.SendAsync("MARKREAD bob");
        Assert.Equal(["bob", "*"], (await irc.ExpectAsync("MARKREAD")).Parameters);
        await irc.SendAsync($"MARKREAD bob timestamp={psst.Tag("time")}");
        Assert.Equal(["bob", "timestamp=" + psst.Tag("time")], (await irc.ExpectAsync("MARKREAD")).Parameters);
        var heard = await native.ReadUntilAsync(f => f.Type() == "read" && f.Str("room") == "@alice,bob");
        Assert.Equal(1, heard.Seq());

        var cases = new (string Line, string Code)[]
        {
            ("MARKREAD", "NEED_MORE_PARAMS"),
            ("MARKREAD #dev yesterday", "INVALID_PARAMS"),
            ("MARKREAD #dev timestamp=soon", "INVALID_PARAMS"),
            ("MARKREAD #nowhere timestamp=2026-01-01T00:00:00.000Z", "INVALID_PARAMS"),
            ("MARKREAD @bob,carol timestamp=2026-01-01T00:00:00.000Z", "INVALID_PARAMS"),
        };
        foreach (var (line, code) in cases)
        {
            await irc.SendAsync(line);
            var fail = await irc.ExpectAsync(l => l.Command is "FAIL" or "MARKREAD");
            Assert.True(fail.Command == "FAIL" && fail.Param(0) == "MARKREAD" && fail.Param(1) == code, $"{line} → {fail.Raw}, expected {code}");
        }
    }
}
