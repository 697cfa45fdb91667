using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests;

/// <summary>
/// The client library's connection against a real server: what ends reconnecting and what does not, why, sends
/// made while disconnected, and retrying at once.
/// </summary>
public class ClientConnectionTests
{
    private static PiazzaClientOptions QuickReconnect(int port, string user) => ClientLibraryTests.QuickReconnect(port, user);

    private static (string, string) PortSetting(int port) => ClientLibraryTests.PortSetting(port);

    [Fact]
    public async Task A_kick_from_one_room_does_not_end_reconnecting()
    {
        var server = await TestServer.StartAsync();
        var port = server.Port;
        await using var alice = new PiazzaClient(QuickReconnect(port, "alice"));
        await using var bob = new PiazzaClient(QuickReconnect(port, "bob"));
        await alice.ConnectAsync();
        await bob.ConnectAsync();
        await alice.JoinAsync("dev");
        await bob.JoinAsync("dev");

        await alice.KickAsync("dev", "bob", "too loud");
        var kicked = await bob.NextAsync<MemberLeft>(e => e.Room == "dev" && e.User == "bob");
        Assert.Equal((LeaveReason.Kicked, "alice", "too loud"), (kicked.Reason, kicked.By, kicked.Message));

        await server.DisposeAsync();
        await bob.StateAsync(ConnectionState.Reconnecting);
        await using var restarted = await TestServer.StartAsync(PortSetting(port));

        var welcome = await bob.NextAsync<Welcomed>();
        Assert.True(welcome.Reconnected);
        Assert.Equal(ConnectionState.Connected, (await bob.StateAsync(ConnectionState.Connected)).State);
        Assert.Equal(1, (await bob.SendAsync("lobby", "still here")).Seq);
    }

    [Fact]
    public async Task A_kick_from_the_server_ends_reconnecting_and_the_state_says_who_and_why()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = new PiazzaClient(QuickReconnect(server.Port, "bob"));
        await bob.ConnectAsync();

        Assert.True(await server.Hub.KickAsync("bob", "spam"));

        var kicked = await bob.NextAsync<KickedFromServer>();
        Assert.Equal(("operator", "spam"), (kicked.By, kicked.Reason));
        var ended = await bob.StateAsync(ConnectionState.Disconnected);
        Assert.Equal("kicked from the server by operator: spam", ended.Detail);
        Assert.Equal(ConnectionState.Disconnected, bob.State);
        var refused = await Assert.ThrowsAsync<PiazzaException>(() => bob.SendAsync("lobby", "let me back"));
        Assert.Equal(PiazzaFailure.ConnectionLost, refused.Failure);
    }

    [Fact]
    public async Task A_ban_from_the_server_ends_reconnecting_and_the_state_says_who_and_why()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { FirstUserIsAdmin = true });
        await using var ada = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "ada", Password = ProtocolSteps.Password, Register = true });
        await ada.ConnectAsync();
        await using var bob = new PiazzaClient(QuickReconnect(server.Port, "bob"));
        await bob.ConnectAsync();

        await ada.BanAsync(null, "bob", reason: "spam");

        var ended = await bob.StateAsync(ConnectionState.Disconnected);
        Assert.Equal("banned from the server by ada: spam", ended.Detail);
    }

    [Fact]
    public async Task Sends_made_while_reconnecting_are_delivered_once_each_in_the_order_made()
    {
        var server = await TestServer.StartAsync();
        var port = server.Port;
        await using var client = new PiazzaClient(QuickReconnect(port, "gus"));
        await client.ConnectAsync();

        await server.DisposeAsync();
        await client.StateAsync(ConnectionState.Reconnecting);
        var sends = Enumerable.Range(1, 8).Select(i => client.SendAsync("lobby", $"queued {i}")).ToList();
        Assert.DoesNotContain(sends, s => s.IsCompleted);

        await using var restarted = await TestServer.StartAsync(PortSetting(port));
        var acks = await Task.WhenAll(sends).WaitAsync(ClientEvents.Timeout);

        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8], acks.Select(a => a.Seq));
        var stored = await client.HistoryAsync("lobby");
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"queued {i}"), stored.Select(m => m.Text));
    }

    [Fact]
    public async Task The_reconnect_wait_is_announced_on_the_clients_clock_and_ReconnectNow_cuts_it_short()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var server = await TestServer.StartAsync();
        var port = server.Port;
        await using var client = new PiazzaClient(new PiazzaClientOptions
        {
            Port = port,
            User = "ida",
            InitialBackoff = TimeSpan.FromSeconds(10),
            TimeProvider = clock,
        });
        await client.ConnectAsync();
        Assert.False(client.ReconnectNow()); // connected: nothing to cut short

        await server.DisposeAsync();
        var waiting = await client.StateAsync(ConnectionState.Reconnecting);
        Assert.NotNull(waiting.NextAttemptAt);
        Assert.InRange(waiting.NextAttemptAt!.Value - clock.GetUtcNow(), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(12));

        await using var restarted = await TestServer.StartAsync(PortSetting(port));
        Assert.Equal(ConnectionState.Reconnecting, client.State); // the fake clock has not moved: still waiting
        Assert.True(client.ReconnectNow());

        Assert.True((await client.NextAsync<Welcomed>()).Reconnected);
        Assert.Equal(1, (await client.SendAsync("lobby", "at once")).Seq);
    }

    [Fact]
    public async Task The_reconnect_wait_ends_when_the_clients_clock_reaches_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var server = await TestServer.StartAsync();
        var port = server.Port;
        await using var client = new PiazzaClient(new PiazzaClientOptions { Port = port, User = "jo", InitialBackoff = TimeSpan.FromSeconds(10), TimeProvider = clock });
        await client.ConnectAsync();

        await server.DisposeAsync();
        var waiting = await client.StateAsync(ConnectionState.Reconnecting);
        await using var restarted = await TestServer.StartAsync(PortSetting(port));
        clock.Advance(waiting.NextAttemptAt!.Value - clock.GetUtcNow());

        Assert.True((await client.NextAsync<Welcomed>()).Reconnected);
    }
}
