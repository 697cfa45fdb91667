using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Irc;

/// <summary>LIST, AWAY, MOTD, LUSERS, VERSION, TIME, INFO, ISON, USERHOST and SETNAME over a raw socket, with their refusals.</summary>
public class IrcQueryTests
{
    private const string ServerName = IrcWhoTests.ServerName;

    private static Task<List<IrcLineParts>> RepliesUntilAsync(IrcTestClient client, string end) => client.CollectUntilAsync(l => l.Command == end);

    private static Dictionary<string, (string Users, string Topic)> Listed(List<IrcLineParts> replies)
        => replies.Where(l => l.Command == "322").ToDictionary(l => l.Param(1)!, l => (l.Param(2)!, l.Trailing!));

    [Fact]
    public async Task List_shows_rooms_with_counts_and_topics_but_a_private_room_only_to_its_members()
    {
        await using var server = await TestServer.StartAsync();
        var (alice, bob) = await IrcWhoTests.PrivateRoomSetupAsync(server);
        await using var _ = alice;
        await using var __ = bob;
        await alice.SendAsync("TOPIC #dev :work talk");
        await bob.ExpectAsync(l => l.Command == "TOPIC" && l.Param(0) == "#dev");

        await bob.SendAsync("LIST");
        var replies = await RepliesUntilAsync(bob, "323");
        Assert.Equal("321", replies[0].Command);
        var rooms = Listed(replies);
        Assert.Equal(("2", "work talk"), rooms["#dev"]);
        Assert.Equal("2", rooms["#lobby"].Users);
        Assert.DoesNotContain("#secret", rooms.Keys);

        // Named, filtered or not, a private room stays hidden from a non-member; its member sees it.
        await bob.SendAsync("LIST #secret,#dev");
        Assert.Equal(["#dev"], Listed(await RepliesUntilAsync(bob, "323")).Keys);
        await bob.SendAsync("LIST <2");
        Assert.Empty(Listed(await RepliesUntilAsync(bob, "323")));
        await alice.SendAsync("LIST <2");
        Assert.Equal(("1", ""), Assert.Single(Listed(await RepliesUntilAsync(alice, "323"))).Value);
        await alice.SendAsync("LIST >1");
        Assert.Equal(["#dev", "#lobby"], Listed(await RepliesUntilAsync(alice, "323")).Keys.Order(StringComparer.Ordinal));

        await bob.SendAsync("LIST #dev other.server");
        Assert.Equal("other.server", (await bob.ExpectAsync("402")).Param(1));
    }

    [Fact]
    public async Task Away_marks_and_unmarks_with_306_and_305_and_reaches_away_notify_clients_only()
    {
        await using var server = await TestServer.StartAsync();
        await using var watcher = await IrcWhoTests.RegisterInLobbyAsync(server, "watcher", null, "away-notify");
        await using var plain = await IrcWhoTests.RegisterInLobbyAsync(server, "plain");
        await using var visitor = await IrcWhoTests.RegisterInLobbyAsync(server, "visitor");

        await visitor.SendAsync("AWAY :at lunch");
        Assert.Equal("You have been marked as being away", (await visitor.ExpectAsync("306")).Trailing);
        var away = await watcher.ExpectAsync(l => l.Command == "AWAY");
        Assert.Equal("visitor", away.SourceNick);
        Assert.Equal(["at lunch"], away.Parameters);
        await visitor.SendAsync("USERHOST visitor");
        Assert.Equal("visitor=-visitor@piazza", (await visitor.ExpectAsync("302")).Trailing);

        await visitor.SendAsync("AWAY");
        await visitor.ExpectAsync("305");
        Assert.Empty((await watcher.ExpectAsync(l => l.Command == "AWAY")).Parameters);
        Assert.DoesNotContain(await plain.SyncAsync(), l => l.Command == "AWAY");

        // Too long a text is refused as Piazza says it, and nothing changes.
        await visitor.SendAsync("AWAY :" + new string('x', 101));
        var refused = await visitor.ExpectAsync("FAIL");
        Assert.Equal(["AWAY", "TOO_LARGE"], refused.Parameters.Take(2));
        Assert.DoesNotContain(await watcher.SyncAsync(), l => l.Command == "AWAY");
    }

    [Fact]
    public async Task Motd_version_time_and_info_answer_with_their_numerics_and_another_server_is_402()
    {
        await using var server = await TestServer.StartAsync();
        await using var irc = await IrcWhoTests.RegisterInLobbyAsync(server, "visitor");

        await irc.SendAsync("MOTD");
        var motd = await RepliesUntilAsync(irc, "376");
        Assert.Equal(["375", "372", "376"], motd.Select(l => l.Command));
        Assert.Equal("- Welcome to Piazza.", motd[1].Trailing);
        await irc.SendAsync("MOTD elsewhere.example");
        Assert.Equal("elsewhere.example", (await irc.ExpectAsync("402")).Param(1));

        await irc.SendAsync("VERSION");
        var version = await irc.ExpectAsync("351");
        Assert.Equal(ServerName, version.Param(2));
        Assert.False(string.IsNullOrEmpty(version.Param(1)));
        var support = await irc.CollectUntilAsync(l => l.Command == "005" && l.Trailing == "are supported by this server" && l.Parameters.Contains("WHOX"));
        Assert.All(support, l => Assert.Equal("005", l.Command));

        await irc.SendAsync("TIME");
        var time = await irc.ExpectAsync("391");
        Assert.Equal(ServerName, time.Param(1));
        Assert.InRange(long.Parse(time.Param(2)!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);

        await irc.SendAsync("INFO");
        var info = await RepliesUntilAsync(irc, "374");
        Assert.True(info.Count >= 2);
        Assert.All(info.SkipLast(1), l => Assert.Equal("371", l.Command));
    }

    [Fact]
    public async Task Lusers_counts_the_people_online_the_admins_and_the_rooms()
    {
        await using var server = await TestServer.StartAsync();
        Assert.True((await server.Hub.GrantAdminAsync("alice", "alicepass1")).Succeeded);
        await using var alice = await IrcWhoTests.RegisterInLobbyAsync(server, "alice", "alicepass1");
        await using var irc = await IrcWhoTests.RegisterInLobbyAsync(server, "visitor");
        await IrcWhoTests.JoinAsync(irc, "#dev");

        await irc.SendAsync("LUSERS");
        var replies = await RepliesUntilAsync(irc, "266");
        Assert.Equal(["251", "252", "254", "255", "265", "266"], replies.Select(l => l.Command));
        Assert.Equal("There are 2 users and 0 invisible on 1 servers", replies[0].Trailing);
        Assert.Equal("1", replies[1].Param(1));
        Assert.Equal("2", replies[2].Param(1)); // the lobby and #dev
        Assert.Equal("I have 2 clients and 0 servers", replies[3].Trailing);
        Assert.Contains("2", replies[5].Trailing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ison_and_userhost_name_who_is_online_and_refuse_an_empty_request_with_461()
    {
        await using var server = await TestServer.StartAsync();
        Assert.True((await server.Hub.GrantAdminAsync("alice", "alicepass1")).Succeeded);
        await using var alice = await IrcWhoTests.RegisterInLobbyAsync(server, "alice", "alicepass1");
        await using var irc = await IrcWhoTests.RegisterInLobbyAsync(server, "visitor");
        await IrcWhoTests.RegisterAccountAsync(server, "carol", "carolpass1"); // an account, offline

        await irc.SendAsync("ISON visitor nobody ALICE carol");
        Assert.Equal("visitor alice", (await irc.ExpectAsync("303")).Trailing);
        await irc.SendAsync("ISON :nobody carol");
        Assert.Equal("", (await irc.ExpectAsync("303")).Trailing);
        await irc.SendAsync("ISON");
        Assert.Equal("ISON", (await irc.ExpectAsync("461")).Param(1));

        await irc.SendAsync("USERHOST Alice visitor nobody");
        Assert.Equal("alice*=+alice@piazza visitor=+visitor@piazza", (await irc.ExpectAsync("302")).Trailing);
        await irc.SendAsync("USERHOST");
        Assert.Equal("USERHOST", (await irc.ExpectAsync("461")).Param(1));
    }

    [Fact]
    public async Task Setname_is_refused_as_piazza_has_no_real_names_and_queries_need_registration()
    {
        await using var server = await TestServer.StartAsync();
        await using var irc = await IrcWhoTests.RegisterInLobbyAsync(server, "visitor", null, "setname");
        await irc.SendAsync("SETNAME :Someone Else");
        var refused = await irc.ExpectAsync("FAIL");
        Assert.Equal(["SETNAME", "CANNOT_CHANGE_REALNAME"], refused.Parameters.Take(2));
        await irc.SendAsync("SETNAME");
        Assert.Equal("SETNAME", (await irc.ExpectAsync("461")).Param(1));

        await using var early = await IrcTestClient.ConnectAsync(server);
        foreach (var command in new[] { "WHOIS visitor", "WHO #lobby", "LIST", "LUSERS", "AWAY :x" })
        {
            await early.SendAsync(command);
            Assert.Equal("451", (await early.ExpectAsync(l => l.Command.Length == 3 && char.IsAsciiDigit(l.Command[0]))).Command);
        }
    }
}
