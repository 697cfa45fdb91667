using System.Net;
using System.Net.Sockets;
using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests;

/// <summary>
/// The client library given several servers, against two real single-node servers (each its own SQLite store, so
/// they share no history: that the resumed stream has no gap and no repeat across nodes sharing a store is the
/// cluster fixture's to prove; here: which server is taken, when, and that the client is usable there).
/// </summary>
public class ClientFailoverTests
{
    private static PiazzaClientOptions Cluster(string user, params int[] ports) => new()
    {
        User = user,
        Servers = [.. ports.Select(p => new ServerEndpoint("127.0.0.1", p))],
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
    };

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task Connect_passes_over_a_server_that_is_down_and_takes_the_next()
    {
        await using var b = await TestServer.StartAsync();
        await using var client = new PiazzaClient(Cluster("ada", ClosedPort(), b.Port));

        var welcome = await client.ConnectAsync();

        Assert.Equal("ada", welcome.User);
        Assert.Equal(new ServerEndpoint("127.0.0.1", b.Port), client.ConnectedServer);
        var connected = await client.StateAsync(ConnectionState.Connected);
        Assert.Equal(new ServerEndpoint("127.0.0.1", b.Port), connected.Server);
        Assert.Equal(1, (await client.SendAsync("lobby", "on b")).Seq);
    }

    [Fact]
    public async Task When_no_server_answers_connect_fails_naming_each_one()
    {
        var (first, second) = (ClosedPort(), ClosedPort());
        await using var client = new PiazzaClient(Cluster("ada", first, second));

        var ex = await Assert.ThrowsAsync<PiazzaException>(() => client.ConnectAsync());

        Assert.Equal(PiazzaFailure.Unreachable, ex.Failure);
        Assert.Contains($"127.0.0.1:{first}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{second}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ConnectionState.Disconnected, client.State);
    }

    [Fact]
    public async Task A_refusal_of_who_we_are_is_not_retried_on_the_next_server()
    {
        await using var a = await TestServer.StartAsync();
        await using var b = await TestServer.StartAsync();
        var (holder, _) = await RawClient.JoinAsync(a.Port, "cyd");
        await using var holderClient = holder;
        await using var client = new PiazzaClient(Cluster("cyd", a.Port, b.Port));

        // Every node of a cluster would say the same (names are cluster-wide), so b is not asked.
        var ex = await Assert.ThrowsAsync<PiazzaException>(() => client.ConnectAsync());

        Assert.Equal(Piazza.Protocol.ErrorCode.NameTaken, ex.Code);
        Assert.Null(client.ConnectedServer);
    }

    [Fact]
    public async Task When_the_connected_server_stops_the_client_moves_to_the_next_by_itself_and_is_usable_there()
    {
        var a = await TestServer.StartAsync();
        await using var b = await TestServer.StartAsync();
        await using var client = new PiazzaClient(Cluster("bea", a.Port, b.Port));
        await client.ConnectAsync();
        Assert.Equal(a.Port, client.ConnectedServer!.Port);
        Assert.Equal(a.Port, (await client.StateAsync(ConnectionState.Connected)).Server!.Port);

        await a.DisposeAsync();

        await client.StateAsync(ConnectionState.Reconnecting);
        var welcomed = await client.NextAsync<Welcomed>();
        var connected = await client.StateAsync(ConnectionState.Connected);
        Assert.True(welcomed.Reconnected);
        Assert.Equal(new ServerEndpoint("127.0.0.1", b.Port), connected.Server);
        Assert.Equal(b.Port, client.ConnectedServer!.Port);
        var sent = await client.SendAsync("lobby", "after the failover");
        Assert.Equal(("lobby", 1L), (sent.Conversation, sent.Seq));
        Assert.Equal(["bea"], (await client.WhoAsync("lobby")).Select(m => m.Name));
    }

    [Fact]
    public async Task A_send_whose_answer_was_lost_is_sent_again_to_the_next_server_with_the_same_id_and_stored_once()
    {
        // Two endpoints of one store (a relay in front of a, then a itself): what two nodes of a cluster are to a client.
        await using var a = await TestServer.StartAsync();
        await using var relay = new CuttingProxy(a.EndPoint);
        await using var client = new PiazzaClient(Cluster("cal", relay.Port, a.Port) with { Password = ProtocolSteps.Password, Register = true });
        await client.ConnectAsync();
        Assert.Equal(relay.Port, client.ConnectedServer!.Port);

        // a stores the message, but the next bytes towards the client (its ok, or the echo) cut the connection.
        relay.CutAfterDownstreamBytes(1);
        var sent = await client.SendAsync("lobby", "in flight").WaitAsync(ClientEvents.Timeout);

        Assert.Equal(1, relay.Cuts);
        Assert.Equal(a.Port, client.ConnectedServer!.Port);
        Assert.Equal((1L, true), (sent.Seq, sent.Duplicate)); // the same send id, recognised by the store behind the next server
        var stored = Assert.Single(await client.HistoryAsync("lobby"));
        Assert.Equal(("in flight", sent.MessageId), (stored.Text, stored.Id));
    }

    [Fact]
    public async Task With_a_bound_on_rounds_the_client_gives_up_when_no_server_comes_back_and_says_why()
    {
        var a = await TestServer.StartAsync();
        var closed = ClosedPort();
        await using var client = new PiazzaClient(Cluster("dee", a.Port, closed) with { MaxReconnectRounds = 2 });
        await client.ConnectAsync();

        await a.DisposeAsync();

        var gaveUp = await client.StateAsync(ConnectionState.Disconnected);
        Assert.StartsWith("gave up after 2 rounds of 2 servers", gaveUp.Detail, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{closed}", gaveUp.Detail, StringComparison.Ordinal);
        Assert.Null(client.ConnectedServer);
        var ex = await Assert.ThrowsAsync<PiazzaException>(() => client.SendAsync("lobby", "nobody there"));
        Assert.Equal(PiazzaFailure.ConnectionLost, ex.Failure);
    }

    [Fact]
    public async Task Messages_sent_while_the_client_fails_over_to_another_server_on_the_same_store_arrive_once_in_order()
    {
        // One store, served first by a, then by b on another port: the closest a single-node test gets to "another
        // node of the cluster answers". Whether m2 and m3 reach bob in b's resume replay or live, each comes once.
        var data = Path.Combine(Path.GetTempPath(), "piazza-test-" + Guid.NewGuid().ToString("N"));
        var a = await TestServer.StartInAsync(data);
        var bPort = ClosedPort();
        await using var bob = new PiazzaClient(Cluster("bob", a.Port, bPort));
        await bob.ConnectAsync();
        await using (var alice = new PiazzaClient(new PiazzaClientOptions { Port = a.Port, User = "alice" }))
        {
            await alice.ConnectAsync();
            await alice.SendAsync("lobby", "m1");
            await bob.NextAsync<MessageReceived>(m => m.Message.Seq == 1);
        }

        await a.StopKeepingDataAsync();
        await bob.StateAsync(ConnectionState.Reconnecting);
        await using var b = await TestServer.StartInAsync(data, ("Port", bPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await using var carol = new PiazzaClient(new PiazzaClientOptions { Port = b.Port, User = "carol" });
        await carol.ConnectAsync();
        await carol.SendAsync("lobby", "m2");
        await carol.SendAsync("lobby", "m3");

        var received = new List<long>();
        while (!received.Contains(3))
        {
            received.Add((await bob.NextAsync<MessageReceived>(m => m.Message.Conversation == "lobby")).Message.Seq);
        }

        Assert.Equal([2L, 3L], received);
        Assert.Equal(b.Port, bob.ConnectedServer!.Port);
        Assert.Equal(3, bob.LastSeen["lobby"]);
    }
}
