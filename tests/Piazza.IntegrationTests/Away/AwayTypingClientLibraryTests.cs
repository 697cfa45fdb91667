using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.ClientLibraryTests;

namespace Piazza.IntegrationTests.Away;

/// <summary>The client library's away and typing: typed events, members' away texts, and our away set again after a reconnect.</summary>
public sealed class AwayTypingClientLibraryTests
{
    [Fact]
    public async Task Away_and_typing_arrive_as_typed_events_and_our_away_survives_a_server_restart()
    {
        var server = await TestServer.StartAsync();
        var port = server.Port;
        await using var alice = new PiazzaClient(QuickReconnect(port, "alice"));
        await using var bob = new PiazzaClient(QuickReconnect(port, "bob"));
        await alice.ConnectAsync();
        await bob.ConnectAsync();
        await alice.NextAsync<MemberJoined>(j => j.User == "bob");

        Assert.Equal("lunch", await bob.SetAwayAsync(" lunch "));
        Assert.Equal(new UserAway("bob", "lunch", null), (await alice.NextAsync<UserAway>()) with { At = null });
        Assert.Equal("lunch", bob.AwayText);
        await bob.SendTypingAsync("lobby");
        Assert.Equal(new UserTyping("lobby", "bob"), await alice.NextAsync<UserTyping>());
        var refused = await Assert.ThrowsAsync<PiazzaException>(() => bob.SetAwayAsync(new string('z', 101)));
        Assert.Equal("too_large", refused.WireCode);

        // The server forgets an away with the last connection; the client sets it again once welcomed back.
        await server.DisposeAsync();
        await using var restarted = await TestServer.StartAsync(PortSetting(port));
        await alice.NextAsync<Welcomed>(w => w.Reconnected);
        await bob.NextAsync<Welcomed>(w => w.Reconnected);
        await bob.NextAsync<UserAway>(a => a is { User: "bob", Text: "lunch" });
        var bobNow = (await alice.WhoAsync("lobby")).Single(m => m.Name == "bob");
        Assert.Equal("lunch", bobNow.Away);

        await bob.SetAwayAsync(null);
        Assert.Null((await alice.NextAsync<UserAway>(a => a.Text is null)).Text);
        Assert.Null(bob.AwayText);
    }
}
