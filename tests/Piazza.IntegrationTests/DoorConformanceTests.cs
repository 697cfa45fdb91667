using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests;

/// <summary>
/// Protocol v1 conformance, one suite run against every door that carries the frames (the native TCP door and the
/// WebSocket door), each against a real server on 127.0.0.1 port 0.
/// </summary>
public abstract class DoorConformanceTests
{
    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    /// <summary>Connects through the door under test and says hello; the welcome is on <see cref="RawClient.Welcome"/>.</summary>
    protected async Task<RawClient> JoinAsync(TestServer server, string user)
        => (await RawClient.HelloAsync(await ConnectAsync(server), user)).Client;

    [Fact]
    public async Task Hello_is_welcomed_with_the_user_list_and_others_hear_joined()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await JoinAsync(server, "alice");
        var aliceWelcome = alice.Welcome;
        Assert.Equal("alice", aliceWelcome.Str("user"));
        Assert.Equal(1, aliceWelcome["protocol"]!.GetValue<int>());
        Assert.StartsWith("piazza/", aliceWelcome.Str("server"), StringComparison.Ordinal);
        Assert.Equal("lobby", aliceWelcome.Str("room"));

        await using var bob = await JoinAsync(server, "bob");
        var bobWelcome = bob.Welcome;
        var users = bobWelcome["users"]!.AsArray().Select(u => u!["user"]!.GetValue<string>()).ToList();
        Assert.Equal(["alice", "bob"], users);
        var joined = await alice.ReadUntilAsync(f => f.Type() == "joined");
        Assert.Equal(("lobby", "bob"), (joined.Str("room"), joined.Str("user")));
        Assert.NotNull(joined.Str("ts"));
    }

    [Fact]
    public async Task A_message_reaches_everyone_including_the_sender_with_ok_and_seq()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await JoinAsync(server, "alice");
        await using var bob = await JoinAsync(server, "bob");

        await alice.SendAsync(new { type = "send", room = "lobby", text = "hi ☕ 😀", id = "c1" });
        var echo = await alice.ReadUntilAsync(f => f.Type() == "message");
        var ok = await alice.ReadUntilAsync(f => f.Type() == "ok");
        var received = await bob.ReadUntilAsync(f => f.Type() == "message");

        Assert.Equal("c1", ok.Str("re"));
        Assert.Equal(1, ok["seq"]!.GetValue<long>());
        Assert.Equal(echo.Str("id"), ok.Str("msg"));
        Assert.Equal(("alice", "hi ☕ 😀", "lobby", 1L), (received.Str("from"), received.Str("text"), received.Str("room"), received["seq"]!.GetValue<long>()));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", received.Str("ts"));

        await bob.SendAsync(new { type = "send", text = "second", id = "c2" });
        var next = await alice.ReadUntilAsync(f => f.Type() == "message");
        Assert.Equal(2, next["seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task Who_ping_and_bye_behave_as_documented()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await JoinAsync(server, "alice");
        await using var bob = await JoinAsync(server, "bob");

        await alice.SendAsync(new { type = "who", room = "lobby", id = "c2" });
        var who = await alice.ReadUntilAsync(f => f.Type() == "ok");
        Assert.Equal("c2", who.Str("re"));
        Assert.Equal(["alice", "bob"], who["users"]!.AsArray().Select(u => u!["user"]!.GetValue<string>()));
        Assert.All(who["users"]!.AsArray(), u => Assert.NotNull(u!["since"]));

        await alice.SendAsync(new { type = "ping", id = "c3" });
        var pong = await alice.ReadUntilAsync(f => f.Type() == "pong");
        Assert.Equal("c3", pong.Str("re"));

        await bob.SendAsync(new { type = "bye" });
        Assert.True(await bob.WaitForCloseAsync());
        var left = await alice.ReadUntilAsync(f => f.Type() == "left");
        Assert.Equal(("bob", "quit"), (left.Str("user"), left.Str("reason")));
    }

    [Fact]
    public async Task Abrupt_close_is_reported_as_lost()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await JoinAsync(server, "alice");
        var bob = await JoinAsync(server, "bob");
        bob.Abort();
        var left = await alice.ReadUntilAsync(f => f.Type() == "left");
        Assert.Equal(("bob", "lost"), (left.Str("user"), left.Str("reason")));
    }

    [Fact]
    public async Task A_silent_client_is_pinged_then_closed_as_timeout()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { IdleTimeout = TimeSpan.FromSeconds(1) });
        await using var alice = await JoinAsync(server, "alice");
        await using var silent = await JoinAsync(server, "silent");

        // alice keeps talking (any frame counts as alive), silent never does.
        using var stopTalking = new CancellationTokenSource();
        var talking = Task.Run(async () =>
        {
            while (!stopTalking.IsCancellationRequested)
            {
                await alice.SendAsync(new { type = "pong" });
                await Task.Delay(100, stopTalking.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        var keepAlive = alice.ReadUntilAsync(f => f.Type() == "left", TimeSpan.FromSeconds(20));

        var ping = await silent.ReadUntilAsync(f => f.Type() == "ping");
        Assert.NotNull(ping);
        Assert.True(await silent.WaitForCloseAsync());
        var left = await keepAlive;
        Assert.Equal(("silent", "timeout"), (left.Str("user"), left.Str("reason")));
        Assert.Contains(server.Hub.Sessions, x => x.Name == "alice");
        await stopTalking.CancelAsync();
        await talking;
    }

    [Fact]
    public async Task A_client_that_never_says_hello_is_closed()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { HelloTimeout = TimeSpan.FromMilliseconds(300) });
        await using var mute = await ConnectAsync(server);
        var error = await mute.ReadAsync();
        Assert.Equal(("error", "hello_timeout"), (error.Type(), error.Str("code")));
        Assert.True(await mute.WaitForCloseAsync());
    }

    [Fact]
    public async Task Kicked_user_and_everyone_else_hear_kicked_then_it_is_closed()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await JoinAsync(server, "alice");
        await using var bob = await JoinAsync(server, "bob");
        Assert.True(await server.Hub.KickAsync("bob", "too loud"));
        var toBob = await bob.ReadUntilAsync(f => f.Type() == "left");
        Assert.Equal(("bob", "kicked", "too loud"), (toBob.Str("user"), toBob.Str("reason"), toBob.Str("message")));
        Assert.True(await bob.WaitForCloseAsync());
        var toAlice = await alice.ReadUntilAsync(f => f.Type() == "left");
        Assert.Equal(("bob", "kicked"), (toAlice.Str("user"), toAlice.Str("reason")));
    }

    [Theory]
    [InlineData("alice", "ALICE")]
    [InlineData("Zoë", "zoË")]
    public async Task Names_are_taken_case_insensitively(string first, string second)
    {
        await using var server = await TestServer.StartAsync();
        await using var holder = await JoinAsync(server, first);
        await using var late = await ConnectAsync(server);
        await late.SendAsync(new { type = "hello", user = second, id = "h1" });
        var error = await late.ReadAsync();
        Assert.Equal(("error", "name_taken", "h1"), (error.Type(), error.Str("code"), error.Str("re")));

        // The connection stays open so the user can pick another name.
        await late.SendAsync(new { type = "hello", user = "someone-else" });
        Assert.Equal("welcome", (await late.ReadAsync()).Type());
    }

    [Theory]
    [InlineData("{\"type\":\"hello\",\"user\":\"a b\"}", "bad_name")]
    [InlineData("{\"type\":\"hello\",\"user\":\"system\"}", "bad_name")]
    [InlineData("{\"type\":\"hello\"}", "bad_name")]
    [InlineData("{\"type\":\"hello\",\"user\":\"ok\",\"protocol\":2}", "protocol_version")]
    [InlineData("{\"type\":\"send\",\"text\":\"early\"}", "not_welcomed")]
    [InlineData("{\"type\":\"who\"}", "not_welcomed")]
    [InlineData("{\"type\":\"dance\"}", "unknown_type")]
    [InlineData("{\"user\":\"x\"}", "bad_frame")]
    [InlineData("[]", "bad_frame")]
    [InlineData("hello", "bad_frame")]
    public async Task Handshake_errors_get_their_code_and_the_connection_stays_usable(string line, string code)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await ConnectAsync(server);
        await client.SendRawAsync(line + "\n");
        var error = await client.ReadAsync();
        Assert.Equal(("error", code), (error.Type(), error.Str("code")));
        Assert.False(string.IsNullOrWhiteSpace(error.Str("message")));

        await client.SendAsync(new { type = "hello", user = "fine" });
        Assert.Equal("welcome", (await client.ReadAsync()).Type());
    }

    [Fact]
    public async Task Bad_input_after_hello_gets_errors_and_never_disturbs_others()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { MaxLineBytes = 1024 });
        await using var bad = await JoinAsync(server, "mallory");
        await using var good = await JoinAsync(server, "alice");

        await bad.SendRawAsync(new string('x', 5000) + "\n");
        await bad.SendRawAsync("{\"type\":\"send\" \"text\":1}\n");
        await bad.SendRawAsync("{\"type\":\"send\",\"text\":{\"nested\":1},\"id\":\"q\"}\n");
        await bad.SendRawAsync("{\"type\":\"send\",\"text\":\"\",\"id\":\"e\"}\n");
        await bad.SendRawAsync("{\"type\":\"hello\",\"user\":\"again\"}\n");
        await bad.SendRawAsync("{\"type\":\"send\",\"text\":\"still here\",\"id\":\"s\"}\n");

        var codes = new List<string?>();
        var skipped = new List<JsonObject>();
        var ok = await bad.ReadUntilAsync(f => f.Type() == "ok" && f.Str("re") == "s", skipped: skipped);
        codes.AddRange(skipped.Where(f => f.Type() == "error").Select(f => f.Str("code")));
        Assert.Equal(["too_large", "bad_frame", "bad_request", "bad_request", "already_welcomed"], codes);
        Assert.Equal("q", skipped.Where(f => f.Type() == "error").ElementAt(2).Str("re"));
        Assert.Equal(1, ok["seq"]!.GetValue<long>());

        var message = await good.ReadUntilAsync(f => f.Type() == "message");
        Assert.Equal("still here", message.Str("text"));
    }

    [Fact]
    public async Task Graceful_shutdown_sends_shutdown_and_closes_within_five_seconds()
    {
        var server = await TestServer.StartAsync();
        await using var alice = await JoinAsync(server, "alice");
        var watch = Stopwatch.StartNew();
        var stopping = server.DisposeAsync().AsTask();
        var frame = await alice.ReadUntilAsync(f => f.Type() == "shutdown");
        Assert.False(string.IsNullOrWhiteSpace(frame.Str("message")));
        Assert.True(await alice.WaitForCloseAsync());
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"shutdown took {watch.Elapsed}");
    }

    [Fact]
    public async Task Two_hundred_clients_sending_twenty_each_all_receive_all_4000_in_order()
    {
        const int Clients = 200;
        const int PerClient = 20;
        await using var server = await TestServer.StartAsync();
        var clients = new List<RawClient>();
        for (var i = 0; i < Clients; i++)
        {
            clients.Add(await JoinAsync(server, $"user{i}"));
        }

        try
        {
            var receiving = clients.Select((c, i) => Task.Run(async () =>
            {
                var seqs = new List<long>(Clients * PerClient);
                var lastFromSender = new Dictionary<string, int>();
                while (seqs.Count < Clients * PerClient)
                {
                    var frame = await c.ReadAsync(TimeSpan.FromSeconds(60));
                    if (frame.Type() != "message")
                    {
                        continue;
                    }

                    seqs.Add(frame["seq"]!.GetValue<long>());
                    var parts = frame.Str("text")!.Split(':');
                    var n = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(lastFromSender.GetValueOrDefault(parts[0], -1) + 1, n); // each sender's order holds
                    lastFromSender[parts[0]] = n;
                }

                return seqs;
            })).ToList();

            await Task.WhenAll(clients.Select((c, i) => Task.Run(async () =>
            {
                for (var n = 0; n < PerClient; n++)
                {
                    await c.SendAsync(new { type = "send", room = "lobby", text = $"user{i}:{n}", id = $"m{n}" });
                }
            })));

            foreach (var seqs in await Task.WhenAll(receiving).WaitAsync(TimeSpan.FromSeconds(120)))
            {
                Assert.Equal(Enumerable.Range(1, Clients * PerClient).Select(x => (long)x), seqs);
            }
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }
}

/// <summary>The suite over the native TCP door, plus what only a raw TCP stream can do.</summary>
public sealed class NativeTcpDoorTests : DoorConformanceTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);

    [Fact]
    public async Task Invalid_utf8_gets_bad_frame_and_the_connection_stays_usable()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await JoinAsync(server, "mallory");
        var invalidUtf8 = Encoding.UTF8.GetBytes("{\"type\":\"send\",\"text\":\"X\"}\n");
        invalidUtf8[Array.IndexOf(invalidUtf8, (byte)'X')] = 0xFF;
        await client.SendRawAsync(invalidUtf8);
        var error = await client.ReadUntilAsync(f => f.Type() == "error");
        Assert.Equal("bad_frame", error.Str("code"));
        Assert.Contains("UTF-8", error.Str("message"), StringComparison.Ordinal);
        await client.SendAsync(new { type = "ping", id = "p" });
        Assert.Equal("p", (await client.ReadUntilAsync(f => f.Type() == "pong")).Str("re"));
    }

    [Fact]
    public async Task A_stalled_reader_is_dropped_as_slow_consumer_while_others_receive_everything()
    {
        const int Messages = 1500;
        const int MaxLag = 50;
        await using var server = await TestServer.StartAsync(new TestServerOptions { OutboxMaxBytes = 512 * 1024 });

        // A client that says hello, then never reads, with a tiny receive window so kernel buffers fill fast.
        var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync("127.0.0.1", server.Port);
        await stalled.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"hello\",\"user\":\"stalled\"}\n"));

        await using var sender = await JoinAsync(server, "sender");
        await using var reader = await JoinAsync(server, "reader");
        var text = new string('z', 3000);

        // Credits keep the well-behaved reader at most MaxLag messages behind, far inside its own queue bound,
        // so only the stalled client can overflow.
        using var credits = new SemaphoreSlim(MaxLag);
        var reading = Task.Run(async () =>
        {
            var seqs = new List<long>();
            JsonObject? drop = null;
            while (seqs.Count < Messages || drop is null)
            {
                var frame = await reader.ReadAsync(TimeSpan.FromSeconds(30));
                if (frame.Type() == "message")
                {
                    seqs.Add(frame["seq"]!.GetValue<long>());
                    credits.Release();
                }
                else if (frame.Type() == "left" && frame.Str("user") == "stalled")
                {
                    drop = frame;
                }
            }

            return (seqs, drop);
        });

        // The sender hears its own echoes too; it is paced the same way so that it never overflows either.
        using var echoCredits = new SemaphoreSlim(MaxLag);
        using var stopDraining = new CancellationTokenSource();
        var senderDrain = Task.Run(async () =>
        {
            while (!stopDraining.IsCancellationRequested)
            {
                if ((await sender.ReadAsync(TimeSpan.FromSeconds(30))).Type() == "message")
                {
                    echoCredits.Release();
                }
            }
        });

        for (var i = 0; i < Messages; i++)
        {
            Assert.True(await credits.WaitAsync(TimeSpan.FromSeconds(30)), "the reader stopped receiving");
            Assert.True(await echoCredits.WaitAsync(TimeSpan.FromSeconds(30)), "the sender stopped receiving its echoes");
            await sender.SendAsync(new { type = "send", text, id = $"m{i}" });
        }

        var (received, left) = await reading.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("slow_consumer", left!.Str("reason"));
        Assert.Equal(Enumerable.Range(1, Messages).Select(x => (long)x), received);
        Assert.DoesNotContain(server.Hub.Sessions, x => x.Name == "stalled");
        stalled.Dispose();
        await stopDraining.CancelAsync();
        _ = senderDrain; // ends with the connection when the test disposes it
    }
}

/// <summary>The suite over the WebSocket door (<c>/ws</c>), plus what only WebSocket and HTTP can do.</summary>
public sealed class WebSocketDoorTests : DoorConformanceTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);

    [Fact]
    public async Task A_foreign_origin_is_refused_and_the_servers_own_origin_is_accepted()
    {
        await using var server = await TestServer.StartAsync();
        var refused = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(
            () => RawClient.ConnectWebSocketAsync(server.HttpBase, origin: "https://evil.example"));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);

        await using var own = await RawClient.ConnectWebSocketAsync(server.HttpBase, origin: server.HttpBase.GetLeftPart(UriPartial.Authority));
        await RawClient.HelloAsync(own, "alice");
    }

    [Fact]
    public async Task Configured_origins_are_accepted()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { AllowedOrigins = ["https://chat.example.org"] });
        await using var allowed = await RawClient.ConnectWebSocketAsync(server.HttpBase, origin: "https://chat.example.org");
        await RawClient.HelloAsync(allowed, "alice");
    }

    [Fact]
    public async Task Invalid_utf8_in_a_text_message_is_closed_with_1007_and_others_are_unaffected()
    {
        await using var server = await TestServer.StartAsync();
        await using var good = await JoinAsync(server, "alice");
        await using var bad = await RawWebSocket.ConnectAsync(server.HttpBase);
        await bad.SendTextAsync("{\"type\":\"hello\",\"user\":\"mallory\"}");
        Assert.Contains("\"welcome\"", await bad.ReadTextAsync(), StringComparison.Ordinal);

        await bad.SendTextAsync([0x7B, 0xFF, 0xFE, 0x7D]);
        Assert.Equal(1007, await bad.ReadCloseStatusAsync()); // InvalidPayloadData, read from the close frame itself

        var left = await good.ReadUntilAsync(f => f.Type() == "left");
        Assert.Equal("mallory", left.Str("user"));
        await good.SendAsync(new { type = "send", text = "still fine", id = "s" });
        Assert.Equal("ok", (await good.ReadUntilAsync(f => f.Type() is "ok" or "error")).Type());
    }

    [Fact]
    public async Task A_plain_http_request_to_the_websocket_path_gets_400()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var response = await http.GetAsync(new Uri("/ws", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }
}
