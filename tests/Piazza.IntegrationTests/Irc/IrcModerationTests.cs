using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Irc;

/// <summary>KICK, INVITE and OPER on the IRC door over raw sockets, their numerics and refusals, and kicks and roles across doors.</summary>
public class IrcModerationTests
{
    internal const string Pw = ProtocolSteps.Password;

    internal static async Task AccountsAsync(TestServer server, params string[] users)
    {
        foreach (var user in users)
        {
            Assert.True((await server.Hub.RegisterForTokenAsync(user, Pw, "127.0.0.1")).Succeeded);
        }
    }

    /// <summary>Joins a channel and reads up to its end of names.</summary>
    internal static async Task JoinAsync(IrcTestClient client, string channel)
    {
        await client.SendAsync("JOIN " + channel);
        await client.ExpectAsync(l => l.Command == "366" && l.Param(1) == channel);
    }

    internal static Func<IrcLineParts, bool> Mode(string by, string channel, string modes, string? argument = null)
        => l => l.Command == "MODE" && l.SourceNick == by && l.Param(0) == channel && l.Param(1) == modes && l.Param(2) == argument;

    [Fact]
    public async Task Kick_removes_the_user_everyone_and_the_user_see_KICK_and_refusals_have_their_numerics()
    {
        await using var server = await TestServer.StartAsync();
        await AccountsAsync(server, "alice", "bob");
        await using var alice = await IrcTestClient.RegisterAsync(server, "alice", Pw);
        await using var bob = await IrcTestClient.RegisterAsync(server, "bob", Pw);
        await using var carol = await IrcTestClient.RegisterAsync(server, "carol");
        await JoinAsync(alice, "#dev"); // alice creates #dev: its owner
        await JoinAsync(bob, "#dev");

        await bob.SendAsync("KICK #dev alice :no");
        var refused = await bob.ExpectAsync("482");
        Assert.Equal("#dev", refused.Param(1));
        await alice.SendAsync("KICK #dev");
        Assert.Equal("KICK", (await alice.ExpectAsync("461")).Param(1));
        await alice.SendAsync("KICK #nowhere bob");
        Assert.Equal("#nowhere", (await alice.ExpectAsync("403")).Param(1));
        await alice.SendAsync("KICK #dev nobody");
        Assert.Equal("nobody", (await alice.ExpectAsync("401")).Param(1));
        await alice.SendAsync("KICK #dev carol");
        var notThere = await alice.ExpectAsync("441");
        Assert.Equal(("carol", "#dev"), (notThere.Param(1), notThere.Param(2)));

        await alice.SendAsync("KICK #dev bob :calm down");
        foreach (var client in new[] { alice, bob })
        {
            var kick = await client.ExpectAsync("KICK");
            Assert.Equal(("alice", "#dev", "bob", "calm down"), (kick.SourceNick, kick.Param(0), kick.Param(1), kick.Param(2)));
        }

        // One departure line, not a KICK and a PART; bob is out of the room.
        Assert.DoesNotContain(await bob.SyncAsync(), l => l.Command is "PART" or "KICK");
        await bob.SendAsync("PRIVMSG #dev :still here?");
        Assert.Equal("#dev", (await bob.ExpectAsync(l => l.Command is "442" or "404")).Param(1));
        Assert.DoesNotContain(await alice.SyncAsync(), l => l.Command == "PRIVMSG");
    }

    [Fact]
    public async Task A_server_wide_kick_is_the_users_ERROR_and_a_KICK_in_each_of_their_rooms()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await IrcTestClient.RegisterAsync(server, "alice");
        await using var bob = await IrcTestClient.RegisterAsync(server, "bob");
        await JoinAsync(alice, "#dev");
        await JoinAsync(bob, "#dev");

        Assert.True(await server.Hub.KickAsync("bob", "enough"));
        var error = await bob.ExpectAsync("ERROR");
        Assert.Contains("kicked from the server by operator", error.Trailing, StringComparison.Ordinal);
        Assert.Contains("enough", error.Trailing, StringComparison.Ordinal);
        await bob.ExpectClosedAsync();
        var kick = await alice.ExpectAsync(l => l.Command == "KICK" && l.Param(0) == "#dev");
        Assert.Equal(("bob", "enough"), (kick.Param(1), kick.Param(2)));
        Assert.DoesNotContain(await alice.SyncAsync(), l => l.Command == "MODE"); // a kick is no ban: no +b
    }

    [Fact]
    public async Task Invite_answers_341_tells_the_invitee_and_lists_open_invitations()
    {
        await using var server = await TestServer.StartAsync();
        await AccountsAsync(server, "alice", "bob", "carol");
        await using var alice = await IrcTestClient.RegisterAsync(server, "alice", Pw, "server-time");
        await using var carol = await IrcTestClient.RegisterAsync(server, "carol", Pw);
        await using var bob = await IrcTestClient.RegisterAsync(server, "bob", Pw);
        await using var guest = await IrcTestClient.RegisterAsync(server, "visitor");
        await JoinAsync(alice, "#secret");
        await alice.SendAsync("MODE #secret +i");
        await alice.ExpectAsync(Mode("alice", "#secret", "+is"));

        // A private room is not there for those who were not invited.
        await carol.SendAsync("JOIN #secret");
        Assert.Equal("#secret", (await carol.ExpectAsync("403")).Param(1));
        await bob.SendAsync("INVITE carol #secret");
        Assert.Equal("#secret", (await bob.ExpectAsync("403")).Param(1));

        await alice.SendAsync("INVITE carol #secret");
        var inviting = await alice.ExpectAsync("341");
        Assert.Equal(("carol", "#secret"), (inviting.Param(1), inviting.Param(2)));
        var invited = await carol.ExpectAsync("INVITE");
        Assert.Equal(("alice", "carol", "#secret"), (invited.SourceNick, invited.Param(0), invited.Param(1)));

        await carol.SendAsync("INVITE");
        Assert.Equal("#secret", (await carol.ExpectAsync("336")).Param(1));
        await carol.ExpectAsync("337");
        await JoinAsync(carol, "#secret");
        await carol.SendAsync("INVITE");
        Assert.DoesNotContain(await carol.CollectUntilAsync(l => l.Command == "337"), l => l.Command == "336");

        await alice.SendAsync("INVITE carol #secret");
        var already = await alice.ExpectAsync("443");
        Assert.Equal(("carol", "#secret"), (already.Param(1), already.Param(2)));
        await alice.SendAsync("INVITE nobody #secret");
        Assert.Equal("nobody", (await alice.ExpectAsync("401")).Param(1));
        await alice.SendAsync("INVITE bob");
        Assert.Equal("INVITE", (await alice.ExpectAsync("461")).Param(1));
        await guest.SendAsync("INVITE bob #lobby");
        Assert.Equal("#lobby", (await guest.ExpectAsync("482")).Param(1)); // guests cannot invite
    }

    [Fact]
    public async Task Oper_is_for_server_admins_with_their_password_and_shows_user_mode_o()
    {
        await using var server = await TestServer.StartAsync();
        Assert.True((await server.Hub.GrantAdminAsync("ada", Pw)).Succeeded);
        await AccountsAsync(server, "bob");
        await using var ada = await IrcTestClient.RegisterAsync(server, "ada", Pw);
        await using var bob = await IrcTestClient.RegisterAsync(server, "bob", Pw);
        await using var guest = await IrcTestClient.RegisterAsync(server, "visitor");

        await ada.SendAsync("OPER ada wrong-password");
        await ada.ExpectAsync("464");
        await ada.SendAsync("MODE ada");
        Assert.Equal("+i", (await ada.ExpectAsync("221")).Param(1));
        await ada.SendAsync("OPER ada :" + Pw);
        var mode = await ada.ExpectAsync("MODE");
        Assert.Equal(("ada", "+o"), (mode.Param(0), mode.Param(1)));
        await ada.ExpectAsync("381");
        await ada.SendAsync("MODE ada");
        Assert.Equal("+io", (await ada.ExpectAsync("221")).Param(1));
        await ada.SendAsync("MODE ada -o");
        Assert.Equal("-o", (await ada.ExpectAsync("MODE")).Param(1));

        await bob.SendAsync("OPER bob :" + Pw);
        await bob.ExpectAsync("491"); // not an admin
        await bob.SendAsync("OPER ada :" + Pw);
        await bob.ExpectAsync("491"); // another account's password gives nothing
        await guest.SendAsync("OPER ada :" + Pw);
        await guest.ExpectAsync("491");
        await bob.SendAsync("OPER bob");
        Assert.Equal("OPER", (await bob.ExpectAsync("461")).Param(1));
        Assert.DoesNotContain(await bob.SyncAsync(), l => l.Command == "381");
    }

    [Fact]
    public async Task A_native_moderator_kicks_an_irc_user_and_an_irc_owner_makes_a_native_user_moderator()
    {
        await using var server = await TestServer.StartAsync();
        await using var native = await server.RegisterAsync("alice");
        await JoinRoomAsync(native, "dev");
        await AccountsAsync(server, "bob", "carol");
        await using var bob = await IrcTestClient.RegisterAsync(server, "bob", Pw);
        await JoinAsync(bob, "#dev");

        AssertOk(await RequestAsync(native, new { type = "kick", room = "dev", user = "bob", reason = "bye", id = "k" }, "k"));
        var kick = await bob.ExpectAsync("KICK");
        Assert.Equal(("alice", "#dev", "bob", "bye"), (kick.SourceNick, kick.Param(0), kick.Param(1), kick.Param(2)));

        await using var carol = await IrcTestClient.RegisterAsync(server, "carol", Pw);
        await JoinAsync(carol, "#ops"); // carol owns #ops
        await JoinRoomAsync(native, "ops", "j2");
        await carol.SendAsync("MODE #ops +o alice");
        await carol.ExpectAsync(Mode("carol", "#ops", "+o", "alice"));
        var role = await native.ReadUntilAsync(f => f.Type() == "role");
        Assert.Equal(("ops", "alice", "moderator", "carol"), (role.Str("room"), role.Str("user"), role.Str("role"), role.Str("by")));

        // The new moderator's own mode change (native) reaches IRC as MODE.
        AssertOk(await RequestAsync(native, new { type = "topic", room = "ops", @lock = true, id = "l" }, "l"));
        await carol.ExpectAsync(Mode("alice", "#ops", "+t"));
    }
}
