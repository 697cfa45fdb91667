using System.Globalization;
using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests;

/// <summary>Waiting for the client library's typed events in tests.</summary>
internal static class ClientEvents
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The next event of type <typeparamref name="T"/> that matches, skipping others; fails after the timeout.</summary>
    public static async Task<T> NextAsync<T>(this PiazzaClient client, Func<T, bool>? match = null, TimeSpan? timeout = null)
        where T : PiazzaEvent
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        while (true)
        {
            if (await client.Events.ReadAsync(cts.Token) is T e && (match is null || match(e)))
            {
                return e;
            }
        }
    }

    public static Task<ConnectionStateChanged> StateAsync(this PiazzaClient client, ConnectionState state)
        => client.NextAsync<ConnectionStateChanged>(e => e.State == state);
}

/// <summary>The client library against a real server: requests, typed events and results, errors and reconnects.</summary>
public class ClientLibraryTests
{
    /// <summary>Options that reconnect within a fraction of a second (the connection tests use them too).</summary>
    internal static PiazzaClientOptions QuickReconnect(int port, string user) => new()
    {
        Port = port,
        User = user,
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
    };

    internal static (string, string) PortSetting(int port) => ("Port", port.ToString(CultureInfo.InvariantCulture));

    [Fact]
    public async Task Send_who_and_events_work_end_to_end()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "alice" });
        await using var bob = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "bob" });
        var welcome = await alice.ConnectAsync();
        Assert.Equal("alice", welcome.User);
        Assert.Equal(["lobby"], welcome.Rooms);
        await bob.ConnectAsync();
        Assert.Equal(ConnectionState.Connected, alice.State);

        var sent = await alice.SendAsync("lobby", "hello bob");
        Assert.Equal(("lobby", 1L, false), (sent.Conversation, sent.Seq, sent.Duplicate));
        var message = (await bob.NextAsync<MessageReceived>()).Message;
        Assert.Equal(("alice", "hello bob", sent.MessageId, false), (message.From, message.Text, message.Id, message.IsPrivate));

        var users = await bob.WhoAsync("lobby");
        Assert.Equal(["alice", "bob"], users.Select(u => u.Name));
        var error = await Assert.ThrowsAsync<PiazzaException>(() => alice.SendAsync("nowhere", "x"));
        Assert.Equal((PiazzaFailure.Refused, ErrorCode.NoSuchRoom, "no_such_room"), (error.Failure, error.Code, error.WireCode));

        var whisper = await bob.SendPrivateAsync("alice", "psst");
        var received = (await alice.NextAsync<MessageReceived>(e => e.Message.IsPrivate)).Message;
        Assert.Equal((whisper.Conversation, "bob", "alice", "psst"), (received.Conversation, received.From, received.To, received.Text));
    }

    [Fact]
    public async Task Presence_topics_and_leaving_arrive_as_typed_events()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "alice" });
        await using var bob = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "bob" });
        await alice.ConnectAsync();
        Assert.Equal("dev", await alice.JoinAsync("dev"));
        var entered = await alice.NextAsync<RoomEntered>(e => e.Room == "dev");
        Assert.Equal("alice", entered.Owner);
        Assert.Equal(["alice"], entered.Members.Select(m => m.Name));

        await bob.ConnectAsync();
        await bob.JoinAsync("dev");
        Assert.Equal("bob", (await alice.NextAsync<MemberJoined>(e => e.Room == "dev")).User);
        await alice.SetTopicAsync("dev", "ship it");
        var topic = await bob.NextAsync<TopicChanged>();
        Assert.Equal(("dev", "ship it", "alice"), (topic.Room, topic.Topic, topic.By));

        await bob.LeaveAsync("dev");
        var left = await alice.NextAsync<MemberLeft>(e => e.Room == "dev");
        Assert.Equal(("bob", LeaveReason.Left), (left.User, left.Reason));
        var rooms = await bob.RoomsAsync();
        Assert.Contains(rooms, r => r is { Name: "dev", Topic: "ship it", Members: 1, Joined: false });
    }

    [Fact]
    public async Task Refused_names_and_unreachable_servers_raise_clear_errors()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "carol" });
        await first.ConnectAsync();
        await using var second = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "Carol" });
        Assert.Equal(ErrorCode.NameTaken, (await Assert.ThrowsAsync<PiazzaException>(() => second.ConnectAsync())).Code);
        await using var bad = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "no spaces" });
        Assert.Equal(ErrorCode.BadName, (await Assert.ThrowsAsync<PiazzaException>(() => bad.ConnectAsync())).Code);

        var port = server.Port;
        await server.StopAsync();
        await using var nowhere = new PiazzaClient(new PiazzaClientOptions { Port = port, User = "dave" });
        var unreachable = await Assert.ThrowsAsync<PiazzaException>(() => nowhere.ConnectAsync());
        Assert.Equal((PiazzaFailure.Unreachable, null), (unreachable.Failure, unreachable.Code));
        Assert.Contains($"127.0.0.1:{port}", unreachable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_ConnectAsync_is_refused_but_a_failed_one_may_be_retried()
    {
        await using var server = await TestServer.StartAsync();
        await using var taken = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "erin" });
        await taken.ConnectAsync();
        await using var client = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "erin" });
        await Assert.ThrowsAsync<PiazzaException>(() => client.ConnectAsync());
        await taken.CloseAsync();

        Assert.Equal("erin", (await client.ConnectAsync()).User);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.ConnectAsync());
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Equal(1, (await client.SendAsync("lobby", "one connection")).Seq);
        Assert.Equal(["erin"], (await client.WhoAsync("lobby")).Select(m => m.Name));
    }

    [Fact]
    public async Task The_client_reconnects_by_itself_after_the_server_restarts()
    {
        var server = await TestServer.StartAsync();
        var port = server.Port;
        await using var client = new PiazzaClient(QuickReconnect(port, "erin"));
        var states = new System.Collections.Concurrent.ConcurrentQueue<ConnectionState>();
        client.StateChanged += (_, e) => states.Enqueue(e.State);
        await client.ConnectAsync();
        Assert.False((await client.NextAsync<Welcomed>()).Reconnected);

        await server.DisposeAsync();
        await client.NextAsync<ServerShuttingDown>();

        await using var restarted = await TestServer.StartAsync(PortSetting(port));
        var welcome = await client.NextAsync<Welcomed>();
        Assert.Equal(("erin", true), (welcome.Welcome.User, welcome.Reconnected));
        await client.StateAsync(ConnectionState.Connected);
        Assert.Contains(ConnectionState.Reconnecting, states);
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Equal(1, (await client.SendAsync("lobby", "back again")).Seq);
    }

    [Fact]
    public async Task A_throwing_state_handler_does_not_stop_the_reconnect()
    {
        var server = await TestServer.StartAsync();
        var port = server.Port;
        await using var client = new PiazzaClient(QuickReconnect(port, "fay"));
        var calls = 0;
        client.StateChanged += (_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("a subscriber's bug");
        };
        var later = new TaskCompletionSource<ConnectionState>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.StateChanged += (_, e) =>
        {
            if (e.State == ConnectionState.Connected && Volatile.Read(ref calls) > 2)
            {
                later.TrySetResult(e.State); // the handlers after a throwing one are still called
            }
        };
        await client.ConnectAsync();

        await server.DisposeAsync();
        await client.StateAsync(ConnectionState.Reconnecting);
        await using var restarted = await TestServer.StartAsync(PortSetting(port));

        await client.StateAsync(ConnectionState.Connected);
        Assert.Equal(ConnectionState.Connected, await later.Task.WaitAsync(ClientEvents.Timeout));
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Equal(1, (await client.SendAsync("lobby", "still here")).Seq);
    }

    [Fact]
    public async Task A_request_made_while_reconnecting_waits_for_the_connection()
    {
        var server = await TestServer.StartAsync();
        var port = server.Port;
        await using var client = new PiazzaClient(QuickReconnect(port, "gus"));
        await client.ConnectAsync();

        await server.DisposeAsync();
        await client.StateAsync(ConnectionState.Reconnecting);
        var who = client.WhoAsync("lobby");
        var sending = client.SendAsync("lobby", "queued while away");
        Assert.False(who.IsCompleted);

        await using var restarted = await TestServer.StartAsync(PortSetting(port));
        Assert.Equal(["gus"], (await who.WaitAsync(ClientEvents.Timeout)).Select(m => m.Name));
        Assert.Equal(1, (await sending.WaitAsync(ClientEvents.Timeout)).Seq);
    }

    [Fact]
    public async Task Messages_missed_while_disconnected_arrive_once_as_replayed_message_events()
    {
        await using var server = await TestServer.StartAsync();
        await using var proxy = new CuttingProxy(server.EndPoint);
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "alice" });
        await using var bob = new PiazzaClient(QuickReconnect(proxy.Port, "bob"));
        await alice.ConnectAsync();
        await bob.ConnectAsync();
        await alice.SendAsync("lobby", "before");
        Assert.False((await bob.NextAsync<MessageReceived>()).Replayed);

        // The next bytes to bob (alice's message) cut his connection instead of reaching him.
        proxy.CutAfterDownstreamBytes(1);
        await alice.SendAsync("lobby", "while bob was away");
        await bob.StateAsync(ConnectionState.Reconnecting);
        var missed = await bob.NextAsync<MessageReceived>();
        await alice.SendAsync("lobby", "after");
        var live = await bob.NextAsync<MessageReceived>();

        Assert.Equal(("while bob was away", 2L, true), (missed.Message.Text, missed.Message.Seq, missed.Replayed));
        Assert.Equal(("after", 3L, false), (live.Message.Text, live.Message.Seq, live.Replayed));
        Assert.Equal(1, proxy.Cuts);
    }

    [Fact]
    public async Task A_send_with_the_callers_id_is_stored_once_however_often_it_is_sent()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "hana", Password = ProtocolSteps.Password, Register = true });
        await alice.ConnectAsync();

        var first = await alice.SendAsync("lobby", "only once", messageId: "my-id-1");
        var again = await alice.SendAsync("lobby", "only once", messageId: "my-id-1");

        Assert.Equal((first.Seq, first.MessageId, false, true), (again.Seq, again.MessageId, first.Duplicate, again.Duplicate));
        Assert.Single(await alice.HistoryAsync("lobby"), m => m.Text == "only once");
    }

    [Fact]
    public async Task A_reader_that_falls_behind_loses_the_oldest_events_and_they_are_counted()
    {
        await using var server = await TestServer.StartAsync();
        await using var writer = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "writer" });
        await using var reader = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "reader", EventCapacity = 3 });
        await reader.ConnectAsync();
        await writer.ConnectAsync();
        for (var i = 1; i <= 6; i++)
        {
            await writer.SendAsync("lobby", $"m{i}");
        }

        // A ping's answer follows every message delivered before it: the buffer holds the newest three by now.
        await reader.PingAsync();
        Assert.True(reader.DroppedEvents >= 4, $"dropped {reader.DroppedEvents}");
        var kept = new List<string>();
        while (reader.Events.TryRead(out var e))
        {
            if (e is MessageReceived m)
            {
                kept.Add(m.Message.Text);
            }
        }

        Assert.Equal(["m4", "m5", "m6"], kept);
    }
}

/// <summary>Regressions in the client library found by the terminal client.</summary>
public class ClientLibraryRegressionTests
{
    [Fact]
    public async Task HistoryAsync_returns_the_answer_and_welcome_is_the_first_event_after_connecting()
    {
        await using var server = await TestServer.StartAsync();
        await using var writer = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "writer" });
        await writer.ConnectAsync();
        for (var i = 1; i <= 3; i++)
        {
            await writer.SendAsync("lobby", $"m{i}");
        }

        await using var reader = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "reader" });
        await reader.ConnectAsync();
        using var cts = new CancellationTokenSource(ClientEvents.Timeout);
        Assert.Equal(new ConnectionStateChanged(ConnectionState.Connecting, $"connecting to 127.0.0.1:{server.Port}"), await reader.Events.ReadAsync(cts.Token));
        Assert.IsType<Welcomed>(await reader.Events.ReadAsync(cts.Token));
        Assert.Equal(ConnectionState.Connected, Assert.IsType<ConnectionStateChanged>(await reader.Events.ReadAsync(cts.Token)).State);

        var older = await reader.HistoryAsync("lobby", before: 3, limit: 10, cancellationToken: cts.Token);
        Assert.Equal(["m1", "m2"], older.Select(m => m.Text));
        Assert.All(older, m => Assert.Equal("lobby", m.Conversation));
    }
}
