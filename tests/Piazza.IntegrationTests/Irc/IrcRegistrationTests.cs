using System.Text;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Irc;

/// <summary>The IRC door's registration over a raw socket: CAP, SASL PLAIN, PASS, NICK and USER, and their refusals.</summary>
public class IrcRegistrationTests
{
    private static async Task RegisterAccountAsync(TestServer server, string user, string password)
        => Assert.True((await server.Hub.RegisterForTokenAsync(user, password, "127.0.0.1")).Succeeded);

    [Fact]
    public async Task Sasl_plain_logs_an_account_in_and_the_welcome_burst_tells_the_truth()
    {
        await using var server = await TestServer.StartAsync();
        await RegisterAccountAsync(server, "alice", "alicepass1");
        await using var irc = await IrcTestClient.ConnectAsync(server);
        await irc.SendAsync("CAP LS 302");
        var ls = await irc.ExpectAsync("CAP");
        Assert.Contains("sasl=PLAIN", ls.Trailing, StringComparison.Ordinal);
        Assert.Contains("draft/chathistory", ls.Trailing, StringComparison.Ordinal);
        await irc.SendAsync("NICK someone");
        await irc.SendAsync("USER someone 0 * :Someone");
        await irc.SendAsync("CAP REQ :sasl server-time");
        Assert.Equal("ACK", (await irc.ExpectAsync("CAP")).Param(1));
        await irc.SendAsync("AUTHENTICATE PLAIN");
        Assert.Equal("+", (await irc.ExpectAsync("AUTHENTICATE")).Param(0));
        await irc.SendAsync("AUTHENTICATE " + Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0alicepass1")));
        var loggedIn = await irc.ExpectAsync("900");
        Assert.Equal("alice", loggedIn.Param(2));
        await irc.ExpectAsync("903");

        // Registration waits for CAP END: nothing is welcomed before it.
        Assert.DoesNotContain(irc.Seen, l => IrcLineParts.Parse(l).Command == "001");
        await irc.SendAsync("CAP END");
        var welcome = await irc.ExpectAsync("001");
        Assert.Equal("alice", welcome.Param(0)); // an account keeps its name whatever NICK said
        var support = string.Join(' ', (await irc.CollectUntilAsync(l => l.Command is "376" or "422")).Where(l => l.Command == "005").SelectMany(l => l.Parameters.Skip(1).SkipLast(1)));
        foreach (var token in new[] { "CASEMAPPING=", "CHANTYPES=#", "PREFIX=(ov)@+", "CHANMODES=", "NICKLEN=32", "CHANNELLEN=", "TOPICLEN=300", "NETWORK=Piazza", "UTF8ONLY" })
        {
            Assert.Contains(token, support, StringComparison.Ordinal);
        }

        var lobby = await irc.ExpectAsync("JOIN");
        Assert.Equal("#lobby", lobby.Param(0));
        Assert.Equal("alice", lobby.SourceNick);
    }

    [Fact]
    public async Task A_wrong_sasl_password_is_904_and_the_client_may_register_as_a_guest_after()
    {
        await using var server = await TestServer.StartAsync();
        await RegisterAccountAsync(server, "alice", "alicepass1");
        await using var irc = await IrcTestClient.ConnectAsync(server);
        await irc.SendAsync("CAP REQ :sasl");
        await irc.ExpectAsync("CAP");
        await irc.SendAsync("AUTHENTICATE PLAIN");
        await irc.ExpectAsync("AUTHENTICATE");
        await irc.SendAsync("AUTHENTICATE " + Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0wrong-password")));
        await irc.ExpectAsync("904");
        await irc.SendAsync("AUTHENTICATE NOT-A-MECH");
        Assert.Equal("PLAIN", (await irc.ExpectAsync("908")).Param(1));
        await irc.SendAsync("NICK visitor");
        await irc.SendAsync("USER v 0 * :V");
        await irc.SendAsync("CAP END");
        Assert.Equal("visitor", (await irc.ExpectAsync("001")).Param(0));
    }

    [Fact]
    public async Task Pass_logs_in_clients_without_sasl_and_a_wrong_one_is_464_then_closed()
    {
        await using var server = await TestServer.StartAsync();
        await RegisterAccountAsync(server, "alice", "alicepass1");
        await using (var good = await IrcTestClient.ConnectAsync(server))
        {
            await good.SendAsync("PASS alicepass1");
            await good.SendAsync("NICK alice");
            await good.SendAsync("USER alice 0 * :Alice");
            Assert.Equal("alice", (await good.ExpectAsync("001")).Param(0));
        }

        await using var bad = await IrcTestClient.ConnectAsync(server);
        await bad.SendAsync("PASS nope-nope");
        await bad.SendAsync("NICK alice");
        await bad.SendAsync("USER alice 0 * :Alice");
        await bad.ExpectAsync("464");
        await bad.ExpectAsync("ERROR");
        await bad.ExpectClosedAsync();
    }

    [Fact]
    public async Task Nicks_follow_piazza_name_rules_with_the_right_numerics()
    {
        await using var server = await TestServer.StartAsync();
        await RegisterAccountAsync(server, "alice", "alicepass1");
        await using var bob = await IrcTestClient.RegisterAsync(server, "bob");
        await using var irc = await IrcTestClient.ConnectAsync(server);
        await irc.SendAsync("NICK");
        await irc.ExpectAsync("431");
        await irc.SendAsync("NICK b@d");
        Assert.Equal("b@d", (await irc.ExpectAsync("432")).Param(1));
        await irc.SendAsync("USER x 0 * :X");
        await irc.SendAsync("NICK alice"); // an account's name, without its password
        Assert.Equal("alice", (await irc.ExpectAsync("433")).Param(1));
        await irc.SendAsync("NICK bob"); // online already
        Assert.Equal("bob", (await irc.ExpectAsync("433")).Param(1));
        await irc.SendAsync("NICK \uff41lice"); // a look-alike of alice (fullwidth a)
        await irc.ExpectAsync("433");
        await irc.SendAsync("NICK carol");
        Assert.Equal("carol", (await irc.ExpectAsync("001")).Param(0));
    }

    [Fact]
    public async Task Quit_before_registering_closes_and_commands_before_it_are_451_or_421()
    {
        await using var server = await TestServer.StartAsync();
        await using var irc = await IrcTestClient.ConnectAsync(server);
        await irc.SendAsync("JOIN #dev");
        await irc.ExpectAsync("451");
        await irc.SendAsync("FROBNICATE now");
        Assert.Equal("FROBNICATE", (await irc.ExpectAsync("421")).Param(1));
        await irc.SendAsync("QUIT");
        await irc.ExpectAsync("ERROR");
        await irc.ExpectClosedAsync();
    }

    [Fact]
    public async Task Bad_lines_get_errors_and_the_connection_stays_usable()
    {
        await using var server = await TestServer.StartAsync();
        await using var irc = await IrcTestClient.RegisterAsync(server, "dora");
        await irc.SendRawAsync([.. "PRIVMSG #lobby :caf"u8, 0xC3, 0x28, (byte)'\r', (byte)'\n']);
        var fail = await irc.ExpectAsync("FAIL");
        Assert.Equal(["PRIVMSG", "INVALID_UTF8"], fail.Parameters.Take(2));
        await irc.SendAsync("PRIVMSG #lobby :" + new string('x', 600));
        await irc.ExpectAsync("417");
        await irc.SendAsync("WHATEVER");
        await irc.ExpectAsync("421");
        await irc.SendAsync("PRIVMSG");
        await irc.ExpectAsync("411");
        await irc.SendAsync("PRIVMSG #lobby");
        await irc.ExpectAsync("412");
        await irc.SyncAsync();
    }

    [Fact]
    public async Task Channel_messages_reach_the_others_and_echo_only_with_echo_message()
    {
        await using var server = await TestServer.StartAsync();
        await using var echo = await IrcTestClient.RegisterAsync(server, "erin", null, "echo-message", "server-time", "message-tags");
        await using var plain = await IrcTestClient.RegisterAsync(server, "fred");
        await echo.SendAsync("JOIN #dev");
        await echo.ExpectAsync("366");
        await plain.SendAsync("JOIN #dev");
        await plain.ExpectAsync("366");
        await echo.ExpectAsync(l => l.Command == "JOIN" && l.SourceNick == "fred");

        await plain.SendAsync("PRIVMSG #dev :hello from fred");
        var got = await echo.ExpectAsync("PRIVMSG");
        Assert.Equal(["#dev", "hello from fred"], got.Parameters);
        Assert.NotNull(got.Tag("msgid"));
        Assert.NotNull(got.Tag("time"));

        await echo.SendAsync("PRIVMSG #dev :hello from erin");
        var echoed = await echo.ExpectAsync("PRIVMSG");
        Assert.Equal("erin", echoed.SourceNick);
        var heard = await plain.ExpectAsync("PRIVMSG");
        Assert.Equal("hello from erin", heard.Trailing);
        Assert.Empty(heard.Tags); // fred negotiated no tags

        // fred has no echo-message: his own line never comes back.
        await plain.SendAsync("PRIVMSG #dev :second from fred");
        await echo.ExpectAsync(l => l.Trailing == "second from fred");
        Assert.DoesNotContain(await plain.SyncAsync(), l => l.Command == "PRIVMSG");
    }
}
