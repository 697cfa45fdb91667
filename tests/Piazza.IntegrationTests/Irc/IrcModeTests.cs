using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Irc.IrcModerationTests;

namespace Piazza.IntegrationTests.Irc;

/// <summary>MODE on the IRC door over raw sockets: user modes, channel modes mapped onto roles, bans, mutes, the topic lock and privacy.</summary>
public class IrcModeTests
{
    [Fact]
    public async Task Channel_modes_show_the_topic_lock_and_op_changes_the_moderator_role()
    {
        await using var server = await TestServer.StartAsync();
        await AccountsAsync(server, "alice", "bob");
        await using var alice = await IrcTestClient.RegisterAsync(server, "alice", Pw);
        await using var bob = await IrcTestClient.RegisterAsync(server, "bob", Pw);
        await JoinAsync(alice, "#dev");
        await JoinAsync(bob, "#dev");

        // A new room's topic is locked (Piazza's default): +nt.
        await alice.SendAsync("MODE #dev");
        var modes = await alice.ExpectAsync("324");
        Assert.Equal(("#dev", "+nt"), (modes.Param(1), modes.Param(2)));
        var created = await alice.ExpectAsync("329");
        Assert.InRange(long.Parse(created.Param(2)!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());

        // A member may not unlock the topic; the owner may, and the room sees -t.
        await bob.SendAsync("MODE #dev -t");
        Assert.Equal("#dev", (await bob.ExpectAsync("482")).Param(1));
        await alice.SendAsync("MODE #dev -t");
        await bob.ExpectAsync(Mode("alice", "#dev", "-t"));
        await alice.ExpectAsync(Mode("alice", "#dev", "-t"));
        Assert.DoesNotContain(await bob.SyncAsync(), l => l.Command == "TOPIC"); // a lock is not a new topic
        await bob.SendAsync("MODE #dev");
        Assert.Equal("+n", (await bob.ExpectAsync("324")).Param(2));
        await bob.SendAsync("TOPIC #dev :anyone's now");
        await alice.ExpectAsync(l => l.Command == "TOPIC" && l.Trailing == "anyone's now");
        await alice.SendAsync("MODE #dev +t");
        await bob.ExpectAsync(Mode("alice", "#dev", "+t"));
        await bob.SendAsync("TOPIC #dev :mine now");
        Assert.Equal("#dev", (await bob.ExpectAsync("482")).Param(1));

        // +o makes bob a moderator: he may unlock the topic, but not make moderators.
        await bob.SendAsync("MODE #dev +o bob");
        await bob.ExpectAsync("482");
        await alice.SendAsync("MODE #dev +o bob");
        await bob.ExpectAsync(Mode("alice", "#dev", "+o", "bob"));
        await alice.ExpectAsync(Mode("alice", "#dev", "+o", "bob"));
        await bob.SendAsync("MODE #dev -t");
        await alice.ExpectAsync(Mode("bob", "#dev", "-t"));
        await bob.SendAsync("MODE #dev -o alice");
        await bob.ExpectAsync("482");
        await alice.SendAsync("MODE #dev -o bob");
        await bob.ExpectAsync(Mode("alice", "#dev", "-o", "bob"));
        await bob.SendAsync("MODE #dev +t");
        await bob.ExpectAsync("482");
        await alice.SendAsync("MODE #dev +o nobody");
        Assert.Equal("nobody", (await alice.ExpectAsync("401")).Param(1));
        await bob.SendAsync("MODE #elsewhere +t");
        Assert.Equal("#elsewhere", (await bob.ExpectAsync("403")).Param(1));
    }

    [Fact]
    public async Task Plus_b_bans_with_a_kick_minus_b_lifts_it_and_m_masks_mute()
    {
        await using var server = await TestServer.StartAsync();
        await AccountsAsync(server, "alice", "bob");
        await using var alice = await IrcTestClient.RegisterAsync(server, "alice", Pw);
        await using var bob = await IrcTestClient.RegisterAsync(server, "bob", Pw);
        await using var carol = await IrcTestClient.RegisterAsync(server, "carol");
        await JoinAsync(alice, "#dev");
        await JoinAsync(bob, "#dev");

        await bob.SendAsync("MODE #dev +b alice");
        Assert.Equal("#dev", (await bob.ExpectAsync("482")).Param(1));

        // The ban: +b then KICK, to the banned user as to the room; the moderator sees the +b once (as the reply).
        var before = alice.Seen.Count;
        await alice.SendAsync("MODE #dev +b bob");
        await bob.ExpectAsync(Mode("alice", "#dev", "+b", "bob!*@*"));
        var kick = await bob.ExpectAsync("KICK");
        Assert.Equal(("alice", "#dev", "bob"), (kick.SourceNick, kick.Param(0), kick.Param(1)));
        await alice.ExpectAsync(Mode("alice", "#dev", "+b", "bob!*@*"));
        await alice.SyncAsync();
        var answer = alice.Seen.Skip(before).Select(IrcLineParts.Parse).ToList();
        Assert.Single(answer, l => l.Command == "MODE");
        Assert.Single(answer, l => l.Command == "KICK" && l.Param(1) == "bob");
        await bob.SendAsync("JOIN #dev");
        Assert.Equal("#dev", (await bob.ExpectAsync("474")).Param(1));

        // The ban list: to those in the room; not to others (carol is not in #dev).
        await alice.SendAsync("MODE #dev b");
        var entry = await alice.ExpectAsync("367");
        Assert.Equal(("#dev", "bob!*@*", "alice"), (entry.Param(1), entry.Param(2), entry.Param(3)));
        await alice.ExpectAsync("368");
        await carol.SendAsync("MODE #dev +b");
        Assert.Equal("#dev", (await carol.ExpectAsync("442")).Param(1));
        Assert.DoesNotContain(await carol.SyncAsync(), l => l.Command == "367");

        // Masks that do not name one user are refused with why.
        await alice.SendAsync("MODE #dev +b *!*@192.0.2.1");
        var invalid = await alice.ExpectAsync("696");
        Assert.Equal(("#dev", "b", "*!*@192.0.2.1"), (invalid.Param(1), invalid.Param(2), invalid.Param(3)));
        await alice.SendAsync("MODE #dev +b bo*");
        await alice.ExpectAsync("696");

        await alice.SendAsync("MODE #dev -b bob!*@*");
        await alice.ExpectAsync(Mode("alice", "#dev", "-b", "bob!*@*"));
        await JoinAsync(bob, "#dev");

        // A mute is +b m:mask: the room sees it and the muted user's messages are refused with 404.
        await alice.SendAsync("MODE #dev +b m:bob");
        await bob.ExpectAsync(Mode("alice", "#dev", "+b", "m:bob!*@*"));
        await bob.SendAsync("PRIVMSG #dev :can you hear me");
        Assert.Equal("#dev", (await bob.ExpectAsync("404")).Param(1));
        await alice.SendAsync("MODE #dev +b");
        Assert.Equal("m:bob!*@*", (await alice.ExpectAsync("367")).Param(2));
        await alice.SendAsync("MODE #dev -b m:bob!*@*");
        await bob.ExpectAsync(Mode("alice", "#dev", "-b", "m:bob!*@*"));
        await bob.SendAsync("PRIVMSG #dev :back");
        Assert.Equal("back", (await alice.ExpectAsync("PRIVMSG")).Trailing);
    }

    [Fact]
    public async Task Private_rooms_are_plus_i_and_s_and_modes_piazza_has_not_are_472()
    {
        await using var server = await TestServer.StartAsync();
        await AccountsAsync(server, "alice", "bob");
        await using var alice = await IrcTestClient.RegisterAsync(server, "alice", Pw);
        await using var bob = await IrcTestClient.RegisterAsync(server, "bob", Pw);
        await JoinAsync(alice, "#dev");
        await JoinAsync(bob, "#dev");

        await bob.SendAsync("MODE #dev +s");
        await bob.ExpectAsync("482");
        await alice.SendAsync("MODE #dev +s");
        await bob.ExpectAsync(Mode("alice", "#dev", "+is"));
        await alice.SendAsync("MODE #dev");
        Assert.Equal("+inst", (await alice.ExpectAsync("324")).Param(2));
        await alice.SendAsync("MODE #dev -i");
        await bob.ExpectAsync(Mode("alice", "#dev", "-is"));
        await alice.SendAsync("MODE #lobby +i");
        Assert.Equal("#lobby", (await alice.ExpectAsync("482")).Param(1));

        foreach (var (line, mode) in new[] { ("+k key", "k"), ("+l 10", "l"), ("+m", "m"), ("+v bob", "v"), ("-n", "n") })
        {
            await alice.SendAsync("MODE #dev " + line);
            var unknown = await alice.ExpectAsync("472");
            Assert.Equal(mode, unknown.Param(1));
            Assert.NotEqual("is unknown mode char to me", unknown.Trailing); // each says what Piazza does instead
        }

        await alice.SendAsync("MODE #dev +n");
        Assert.DoesNotContain(await alice.SyncAsync(), l => l.Command is "472" or "MODE");
    }

    [Fact]
    public async Task User_modes_are_plus_i_only_for_oneself()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await IrcTestClient.RegisterAsync(server, "alice");
        await using var bob = await IrcTestClient.RegisterAsync(server, "bob");

        await alice.SendAsync("MODE alice");
        Assert.Equal("+i", (await alice.ExpectAsync("221")).Param(1));
        await alice.SendAsync("MODE alice -i");
        var changed = await alice.ExpectAsync("MODE");
        Assert.Equal(("alice", "-i"), (changed.Param(0), changed.Param(1)));
        await alice.SendAsync("MODE alice");
        Assert.Equal("+", (await alice.ExpectAsync("221")).Param(1));
        await alice.SendAsync("MODE alice +i");
        Assert.Equal("+i", (await alice.ExpectAsync("MODE")).Param(1));
        await alice.SendAsync("MODE alice +x");
        await alice.ExpectAsync("501");
        await alice.SendAsync("MODE alice +o");
        Assert.DoesNotContain(await alice.SyncAsync(), l => l.Command == "MODE"); // +o comes from OPER only
        await alice.SendAsync("MODE bob");
        await alice.ExpectAsync("502");
        await alice.SendAsync("MODE");
        Assert.Equal("MODE", (await alice.ExpectAsync("461")).Param(1));
    }
}
