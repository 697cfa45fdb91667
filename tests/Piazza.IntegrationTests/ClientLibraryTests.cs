using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests;

/// <summary>The client library against a real server: requests, events, errors and reconnect.</summary>
public class ClientLibraryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static async Task<ServerFrame> NextAsync(PiazzaClient client, Func<ServerFrame, bool> match)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var frame = await client.Events.ReadAsync(cts.Token);
            if (match(frame))
            {
                return frame;
            }
        }
    }

    [Fact]
    public async Task Send_who_and_events_work_end_to_end()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "alice" });
        await using var bob = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "bob" });
        var welcome = await alice.ConnectAsync();
        Assert.Equal("alice", welcome.User);
        await bob.ConnectAsync();
        Assert.Equal(ConnectionState.Connected, alice.State);

        var ok = await alice.SendAsync("hello bob");
        Assert.Equal(1, ok.Seq);
        var message = await NextAsync(bob, f => f.Type == FrameTypes.Message);
        Assert.Equal(("alice", "hello bob"), (message.From, message.Text));

        var users = await bob.WhoAsync();
        Assert.Equal(["alice", "bob"], users.Select(u => u.User));
        var error = await Assert.ThrowsAsync<PiazzaException>(() => alice.SendAsync("x", room: "nowhere"));
        Assert.Equal("no_such_room", error.Code);
    }

    [Fact]
    public async Task Refused_names_and_unreachable_servers_raise_clear_errors()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "carol" });
        await first.ConnectAsync();
        await using var second = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "Carol" });
        Assert.Equal("name_taken", (await Assert.ThrowsAsync<PiazzaException>(() => second.ConnectAsync())).Code);
        await using var bad = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "no spaces" });
        Assert.Equal("bad_name", (await Assert.ThrowsAsync<PiazzaException>(() => bad.ConnectAsync())).Code);

        var port = server.Port;
        await server.StopAsync();
        await using var nowhere = new PiazzaClient(new PiazzaClientOptions { Port = port, User = "dave" });
        var unreachable = await Assert.ThrowsAsync<PiazzaException>(() => nowhere.ConnectAsync());
        Assert.Equal(PiazzaException.Unreachable, unreachable.Code);
        Assert.Contains($"127.0.0.1:{port}", unreachable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_reconnects_by_itself_after_the_server_restarts()
    {
        var server = await TestServer.StartAsync();
        var port = server.Port;
        await using var client = new PiazzaClient(new PiazzaClientOptions
        {
            Port = port,
            User = "erin",
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(400),
        });
        var states = new System.Collections.Concurrent.ConcurrentQueue<ConnectionState>();
        client.StateChanged += (state, _) => states.Enqueue(state);
        await client.ConnectAsync();
        await NextAsync(client, f => f.Type == FrameTypes.Welcome);

        await server.DisposeAsync();
        await NextAsync(client, f => f.Type == FrameTypes.Shutdown);

        await using var restarted = await TestServer.StartAsync(("Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var welcome = await NextAsync(client, f => f.Type == FrameTypes.Welcome);
        Assert.Equal("erin", welcome.User);
        Assert.Contains(ConnectionState.Reconnecting, states);
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Equal(1, (await client.SendAsync("back again")).Seq);
    }
}

/// <summary>Regressions in the client library found by the terminal client.</summary>
public class ClientLibraryRegressionTests
{
    [Fact]
    public async Task HistoryAsync_returns_the_answer_and_welcome_is_the_first_event()
    {
        await using var server = await TestServer.StartAsync();
        await using var writer = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "writer" });
        await writer.ConnectAsync();
        for (var i = 1; i <= 3; i++)
        {
            await writer.SendAsync($"m{i}");
        }

        await using var reader = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "reader" });
        await reader.ConnectAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        Assert.Equal(FrameTypes.Welcome, (await reader.Events.ReadAsync(cts.Token)).Type);

        var older = await reader.HistoryAsync("lobby", before: 3, limit: 10, cancellationToken: cts.Token);
        Assert.Equal(["m1", "m2"], older.Select(m => m.Text));
    }
}
