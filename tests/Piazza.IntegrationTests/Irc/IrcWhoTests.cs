using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Irc;

/// <summary>WHO (RFC and WHOX), WHOIS and WHOWAS over a raw socket, and that none of them shows a private room to a non-member.</summary>
public class IrcWhoTests
{
    /// <summary>The IRC door's default server name: the source of every numeric and the server in WHO and WHOIS.</summary>
    internal const string ServerName = "piazza.local";

    internal static async Task RegisterAccountAsync(TestServer server, string user, string password, bool bot = false)
        => Assert.True((await server.Hub.RegisterForTokenAsync(user, password, "127.0.0.1", bot: bot)).Succeeded);

    /// <summary>Registers and waits until the lobby's names have come: what the welcome brings has then been read.</summary>
    internal static async Task<IrcTestClient> RegisterInLobbyAsync(TestServer server, string nick, string? password = null, params string[] caps)
    {
        var client = await IrcTestClient.RegisterAsync(server, nick, password, caps);
        await client.ExpectAsync(l => l.Command == "366" && l.Param(1) == "#lobby");
        return client;
    }

    /// <summary>Joins a channel and waits for its names to end (the join is complete then).</summary>
    internal static async Task JoinAsync(IrcTestClient client, string channel)
    {
        await client.SendAsync("JOIN " + channel);
        await client.ExpectAsync(l => l.Command == "366" && l.Param(1) == channel);
    }

    /// <summary>alice (an account, owner of #secret, made private) and bob (an account, not a member) in #dev together.</summary>
    internal static async Task<(IrcTestClient Alice, IrcTestClient Bob)> PrivateRoomSetupAsync(TestServer server)
    {
        await RegisterAccountAsync(server, "alice", "alicepass1");
        await RegisterAccountAsync(server, "bob", "bobpass123");
        var alice = await IrcWhoTests.RegisterInLobbyAsync(server, "alice", "alicepass1");
        var bob = await IrcWhoTests.RegisterInLobbyAsync(server, "bob", "bobpass123");
        await JoinAsync(alice, "#dev");
        await JoinAsync(bob, "#dev");
        await JoinAsync(alice, "#secret");
        var session = server.Hub.Sessions.First(s => s.Name == "alice");
        Assert.True((await server.Hub.SetRoomPrivateAsync(session, "secret", true)).Succeeded);
        return (alice, bob);
    }

    private static Task<List<IrcLineParts>> RepliesUntilAsync(IrcTestClient client, string end) => client.CollectUntilAsync(l => l.Command == end);

    [Fact]
    public async Task Whois_shows_an_account_with_its_channels_away_admin_and_account_and_ends_with_318()
    {
        await using var server = await TestServer.StartAsync();
        Assert.True((await server.Hub.GrantAdminAsync("alice", "alicepass1")).Succeeded);
        await RegisterAccountAsync(server, "helper", "helperpass1", bot: true);
        await using var alice = await IrcWhoTests.RegisterInLobbyAsync(server, "alice", "alicepass1");
        await using var bot = await IrcWhoTests.RegisterInLobbyAsync(server, "helper", "helperpass1");
        await using var guest = await IrcWhoTests.RegisterInLobbyAsync(server, "visitor");
        await JoinAsync(alice, "#dev");
        await alice.SendAsync("AWAY :at lunch");
        await alice.ExpectAsync("306");

        await guest.SendAsync("WHOIS Alice");
        var replies = await RepliesUntilAsync(guest, "318");
        var user = Assert.Single(replies, l => l.Command == "311");
        Assert.Equal(["visitor", "alice", "alice", "piazza", "*", "alice"], user.Parameters);
        var channels = Assert.Single(replies, l => l.Command == "319");
        Assert.Equal(["#lobby", "@#dev"], channels.Trailing!.Split(' ').Order(StringComparer.Ordinal));
        Assert.Equal("at lunch", Assert.Single(replies, l => l.Command == "301").Trailing);
        Assert.Single(replies, l => l.Command == "313");
        Assert.Equal(["visitor", "alice", "alice", "is logged in as"], Assert.Single(replies, l => l.Command == "330").Parameters);
        Assert.Equal(ServerName, Assert.Single(replies, l => l.Command == "312").Param(2));
        Assert.DoesNotContain(replies, l => l.Command == "335");
        Assert.Equal("alice", replies[^1].Param(1));

        // A bot says so (335); a guest has no account (no 330) and is no admin (no 313).
        await guest.SendAsync("WHOIS helper");
        Assert.Single(await RepliesUntilAsync(guest, "318"), l => l.Command == "335");
        await alice.SendAsync("WHOIS visitor visitor");
        var ofGuest = await RepliesUntilAsync(alice, "318");
        Assert.Contains(ofGuest, l => l.Command == "311" && l.Param(1) == "visitor");
        Assert.DoesNotContain(ofGuest, l => l.Command is "330" or "313" or "301" or "335");
    }

    [Fact]
    public async Task Whois_refuses_bad_input_with_the_numerics_the_spec_names()
    {
        await using var server = await TestServer.StartAsync();
        await using var irc = await IrcWhoTests.RegisterInLobbyAsync(server, "visitor");
        await irc.SendAsync("WHOIS nobody-here");
        var unknown = await RepliesUntilAsync(irc, "318");
        Assert.Equal(["401", "318"], unknown.Select(l => l.Command));
        Assert.Equal("nobody-here", unknown[0].Param(1));
        await irc.SendAsync("WHOIS");
        Assert.Equal("431", (await irc.ExpectAsync(l => l.Command.Length == 3 && char.IsAsciiDigit(l.Command[0]))).Command);
        await irc.SendAsync("WHOIS other.server visitor");
        Assert.Equal("other.server", (await irc.ExpectAsync("402")).Param(1));
        await irc.SendAsync("WHOIS %%%bad");
        Assert.Equal("401", (await irc.ExpectAsync(l => l.Command is "401" or "311")).Command);
    }

    [Fact]
    public async Task Whois_who_and_names_never_show_a_private_room_or_its_members_to_a_non_member()
    {
        await using var server = await TestServer.StartAsync();
        var (alice, bob) = await PrivateRoomSetupAsync(server);
        await using var _ = alice;
        await using var __ = bob;

        await bob.SendAsync("WHOIS alice");
        var seenByBob = Assert.Single(await RepliesUntilAsync(bob, "318"), l => l.Command == "319");
        Assert.DoesNotContain("secret", seenByBob.Trailing, StringComparison.Ordinal);
        Assert.Contains("#dev", seenByBob.Trailing, StringComparison.Ordinal);

        // The same question from a member shows it: the filter is the asker's, not a missing room.
        await alice.SendAsync("WHOIS alice");
        Assert.Contains("@#secret", Assert.Single(await RepliesUntilAsync(alice, "318"), l => l.Command == "319").Trailing, StringComparison.Ordinal);

        await bob.SendAsync("WHO #secret");
        Assert.Equal(["315"], (await RepliesUntilAsync(bob, "315")).Select(l => l.Command));
        await bob.SendAsync("WHO #secret %tcnfa,7");
        Assert.Equal(["315"], (await RepliesUntilAsync(bob, "315")).Select(l => l.Command));
        await bob.SendAsync("NAMES #secret");
        Assert.Equal(["366"], (await RepliesUntilAsync(bob, "366")).Select(l => l.Command));

        await alice.SendAsync("WHO #secret");
        var members = await RepliesUntilAsync(alice, "315");
        Assert.Equal("alice", Assert.Single(members, l => l.Command == "352").Param(5));
        await alice.SendAsync("NAMES #secret");
        var names = Assert.Single(await RepliesUntilAsync(alice, "366"), l => l.Command == "353");
        Assert.Equal("@", names.Param(1)); // a private room is a secret channel
        Assert.Equal("@alice", names.Trailing);
    }

    [Fact]
    public async Task Who_a_channel_gives_352_per_person_with_away_operator_and_bot_flags()
    {
        await using var server = await TestServer.StartAsync();
        await RegisterAccountAsync(server, "alice", "alicepass1");
        await using var alice = await IrcWhoTests.RegisterInLobbyAsync(server, "alice", "alicepass1");
        await using var guest = await IrcWhoTests.RegisterInLobbyAsync(server, "visitor");
        await JoinAsync(alice, "#dev");
        await JoinAsync(guest, "#dev");
        await guest.SendAsync("AWAY :brb");
        await guest.ExpectAsync("306");

        await guest.SendAsync("WHO #DEV");
        var replies = await RepliesUntilAsync(guest, "315");
        var rows = replies.Where(l => l.Command == "352").OrderBy(l => l.Param(5), StringComparer.Ordinal).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["visitor", "#DEV", "alice", "piazza", ServerName, "alice", "H@", "0 alice"], rows[0].Parameters);
        Assert.Equal(["visitor", "#DEV", "visitor", "piazza", ServerName, "visitor", "G", "0 visitor"], rows[1].Parameters);
        Assert.Equal(["visitor", "#DEV", "End of WHO list"], replies[^1].Parameters);

        // A nick: one row with no channel; a mask matches the people in the asker's rooms.
        await guest.SendAsync("WHO ALICE");
        Assert.Equal(["visitor", "*", "alice", "piazza", ServerName, "alice", "H", "0 alice"], Assert.Single(await RepliesUntilAsync(guest, "315"), l => l.Command == "352").Parameters);
        await guest.SendAsync("WHO al*");
        var masked = await RepliesUntilAsync(guest, "315");
        Assert.Equal("alice", Assert.Single(masked, l => l.Command == "352").Param(5));
        Assert.Equal("al*", masked[^1].Param(1));
    }

    [Fact]
    public async Task Whox_answers_354_with_the_fields_asked_in_spec_order_and_the_token()
    {
        await using var server = await TestServer.StartAsync();
        await RegisterAccountAsync(server, "alice", "alicepass1");
        await using var alice = await IrcWhoTests.RegisterInLobbyAsync(server, "alice", "alicepass1");
        await using var guest = await IrcWhoTests.RegisterInLobbyAsync(server, "visitor");
        await JoinAsync(alice, "#dev");
        await JoinAsync(guest, "#dev");

        await guest.SendAsync("WHO #dev %tcuhnfar,123");
        var replies = await RepliesUntilAsync(guest, "315");
        var rows = replies.Where(l => l.Command == "354").OrderBy(l => l.Param(5), StringComparer.Ordinal).ToList();
        Assert.Equal(["visitor", "123", "#dev", "alice", "piazza", "alice", "H@", "alice", "alice"], rows[0].Parameters);
        Assert.Equal(["visitor", "123", "#dev", "visitor", "piazza", "visitor", "H", "0", "visitor"], rows[1].Parameters);
        Assert.DoesNotContain(replies, l => l.Command == "352");

        // Asked out of order, the fields still come in WHOX order; a bad token is 0.
        await guest.SendAsync("WHO alice %ant,abcd");
        Assert.Equal(["visitor", "0", "alice", "alice"], Assert.Single(await RepliesUntilAsync(guest, "315"), l => l.Command == "354").Parameters);
    }

    [Fact]
    public async Task Who_with_no_mask_is_461_and_an_unknown_nick_or_channel_only_ends_the_list()
    {
        await using var server = await TestServer.StartAsync();
        await using var irc = await IrcWhoTests.RegisterInLobbyAsync(server, "visitor");
        await irc.SendAsync("WHO");
        Assert.Equal("WHO", (await irc.ExpectAsync("461")).Param(1));
        await irc.SendAsync("WHO idontexist");
        Assert.Equal(["315"], (await RepliesUntilAsync(irc, "315")).Select(l => l.Command));
        await irc.SendAsync("WHO #nowhere");
        Assert.Equal(["315"], (await RepliesUntilAsync(irc, "315")).Select(l => l.Command));

        // A guest who opens a room owns it, and WHO and WHOIS both say so.
        await JoinAsync(irc, "#mine");
        await irc.SendAsync("WHO #mine");
        Assert.Equal("H@", Assert.Single(await RepliesUntilAsync(irc, "315"), l => l.Command == "352").Param(6));
        await irc.SendAsync("WHOIS visitor");
        Assert.Contains("@#mine", Assert.Single(await RepliesUntilAsync(irc, "318"), l => l.Command == "319").Trailing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Whowas_answers_from_accounts_an_offline_account_was_here_and_anyone_else_was_not()
    {
        await using var server = await TestServer.StartAsync();
        await RegisterAccountAsync(server, "carol", "carolpass1");
        await using var irc = await IrcWhoTests.RegisterInLobbyAsync(server, "visitor");

        await irc.SendAsync("WHOWAS Carol");
        var offline = await RepliesUntilAsync(irc, "369");
        Assert.Equal(["314", "312", "369"], offline.Select(l => l.Command));
        Assert.Equal(["visitor", "carol", "carol", "piazza", "*", "carol"], offline[0].Parameters);

        await irc.SendAsync("WHOWAS nobody-here");
        var unknown = await RepliesUntilAsync(irc, "369");
        Assert.Equal(["406", "369"], unknown.Select(l => l.Command));
        Assert.Equal("nobody-here", unknown[0].Param(1));

        // Online now (and a guest at that): Piazza keeps no history of who used a name.
        await irc.SendAsync("WHOWAS visitor");
        Assert.Equal(["406", "369"], (await RepliesUntilAsync(irc, "369")).Select(l => l.Command));
        await irc.SendAsync("WHOWAS");
        Assert.Equal("431", (await irc.ExpectAsync(l => l.Command is "431" or "461")).Command);
    }
}
