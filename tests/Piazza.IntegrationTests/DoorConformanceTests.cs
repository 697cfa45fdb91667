using System.Diagnostics;
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

    /// <summary>Flood and connection limits of the fixture's servers: off, or the ones the product ships with.</summary>
    protected virtual TestLimits Limits => TestLimits.Off;

    /// <summary>A server for one test, with the fixture's <see cref="Limits"/>.</summary>
    /// <summary>
    /// A line over the 1,024-byte limit of the bad-input test, or, where the door closes the connection for one (a
    /// WebSocket message over the limit is closed with 1009), a harmless blank line.
    /// </summary>
    protected virtual string OverLongLine => new string('x', 5000) + "\n";

    /// <summary>The errors <see cref="OverLongLine"/> gets.</summary>
    protected virtual string[] OverLongLineErrors => ["too_large"];

    protected Task<TestServer> StartServerAsync(TestServerOptions? options = null)
        => TestServer.StartAsync((options ?? new TestServerOptions()) with { Limits = Limits });

    /// <summary>Connects through the door under test and says hello; the welcome is on <see cref="RawClient.Welcome"/>.</summary>
    protected async Task<RawClient> JoinAsync(TestServer server, string user)
        => (await RawClient.HelloAsync(await ConnectAsync(server), user)).Client;

    [Fact]
    public async Task Hello_is_welcomed_with_the_user_list_and_others_hear_joined()
    {
        await using var server = await StartServerAsync();
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
        await using var server = await StartServerAsync();
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
        await using var server = await StartServerAsync();
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
        await using var server = await StartServerAsync();
        await using var alice = await JoinAsync(server, "alice");
        var bob = await JoinAsync(server, "bob");
        bob.Abort();
        var left = await alice.ReadUntilAsync(f => f.Type() == "left");
        Assert.Equal(("bob", "lost"), (left.Str("user"), left.Str("reason")));
    }

    [Fact]
    public async Task A_silent_client_is_pinged_then_closed_as_timeout()
    {
        // 3 s: alice's pong every 100 ms must never look like a 3 s silence, even on a loaded 2-core machine (1 s did once).
        await using var server = await StartServerAsync(new TestServerOptions { IdleTimeout = TimeSpan.FromSeconds(3) });
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
        await using var server = await StartServerAsync(new TestServerOptions { HelloTimeout = TimeSpan.FromMilliseconds(300) });
        await using var mute = await ConnectAsync(server);
        var error = await mute.ReadAsync();
        Assert.Equal(("error", "hello_timeout"), (error.Type(), error.Str("code")));
        Assert.True(await mute.WaitForCloseAsync());
    }

    [Fact]
    public async Task Kicked_user_and_everyone_else_hear_kicked_from_the_server_then_it_is_closed()
    {
        await using var server = await StartServerAsync();
        await using var alice = await JoinAsync(server, "alice");
        await using var bob = await JoinAsync(server, "bob");
        Assert.True(await server.Hub.KickAsync("bob", "too loud"));
        var toBob = await bob.ReadUntilAsync(f => f.Type() == "left");
        Assert.Equal(("bob", "kicked", "too loud"), (toBob.Str("user"), toBob.Str("reason"), toBob.Str("message")));
        Assert.True(await bob.WaitForCloseAsync());
        var toAlice = await alice.ReadUntilAsync(f => f.Type() == "left");
        Assert.Equal(("bob", "kicked", "server"), (toAlice.Str("user"), toAlice.Str("reason"), toAlice.Str("scope")));
    }

    [Theory]
    [InlineData("alice", "ALICE")]
    [InlineData("Zoë", "zoË")]
    public async Task Names_are_taken_case_insensitively(string first, string second)
    {
        await using var server = await StartServerAsync();
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
        await using var server = await StartServerAsync();
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
        await using var server = await StartServerAsync(new TestServerOptions { MaxLineBytes = 1024 });
        await using var bad = await JoinAsync(server, "mallory");
        await using var good = await JoinAsync(server, "alice");

        await bad.SendRawAsync(OverLongLine);
        await bad.SendRawAsync("{\"type\":\"send\" \"text\":1}\n");
        await bad.SendRawAsync("{\"type\":\"send\",\"text\":{\"nested\":1},\"id\":\"q\"}\n");
        await bad.SendRawAsync("{\"type\":\"send\",\"text\":\"\",\"id\":\"e\"}\n");
        await bad.SendRawAsync("{\"type\":\"hello\",\"user\":\"again\"}\n");
        await bad.SendRawAsync("{\"type\":\"send\",\"text\":\"still here\",\"id\":\"s\"}\n");

        var codes = new List<string?>();
        var skipped = new List<JsonObject>();
        var ok = await bad.ReadUntilAsync(f => f.Type() == "ok" && f.Str("re") == "s", skipped: skipped);
        codes.AddRange(skipped.Where(f => f.Type() == "error").Select(f => f.Str("code")));
        Assert.Equal([.. OverLongLineErrors, "bad_frame", "bad_request", "bad_request", "already_welcomed"], codes);
        Assert.Equal("q", skipped.Where(f => f.Type() == "error").ElementAt(OverLongLineErrors.Length + 1).Str("re"));
        Assert.Equal(1, ok["seq"]!.GetValue<long>());

        var message = await good.ReadUntilAsync(f => f.Type() == "message");
        Assert.Equal("still here", message.Str("text"));
    }

    [Fact]
    public async Task Graceful_shutdown_sends_shutdown_and_closes_within_five_seconds()
    {
        var server = await StartServerAsync();
        await using var alice = await JoinAsync(server, "alice");
        var watch = Stopwatch.StartNew();
        var stopping = server.DisposeAsync().AsTask();
        var frame = await alice.ReadUntilAsync(f => f.Type() == "shutdown");
        Assert.False(string.IsNullOrWhiteSpace(frame.Str("message")));
        Assert.True(await alice.WaitForCloseAsync());
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"shutdown took {watch.Elapsed}");
    }

    /// <summary>
    /// 200 clients; under the production limits as many as one address may open at once (the connection burst), since
    /// every test client comes from 127.0.0.1.
    /// </summary>
    [Fact]
    public async Task A_crowd_sending_twenty_each_all_receive_everything_in_order()
    {
        var crowd = Limits == TestLimits.Off ? 200 : new Piazza.Server.Options.PiazzaOptions().Connections.ConnectionBurstPerAddress;
        const int PerClient = 20;
        await using var server = await StartServerAsync();
        var clients = new List<RawClient>();
        for (var i = 0; i < crowd; i++)
        {
            clients.Add(await JoinAsync(server, $"user{i}"));
        }

        try
        {
            var receiving = clients.Select((c, i) => Task.Run(async () =>
            {
                var seqs = new List<long>(crowd * PerClient);
                var lastFromSender = new Dictionary<string, int>();
                while (seqs.Count < crowd * PerClient)
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
                Assert.Equal(Enumerable.Range(1, crowd * PerClient).Select(x => (long)x), seqs);
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
