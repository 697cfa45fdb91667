using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server.Tls;

namespace Piazza.IntegrationTests.Irc;

/// <summary>
/// The IRC listener as an operator relies on it: TLS, the per-address connection limit, flood control, the idle ping,
/// the registration deadline, slow consumers and shutdown, each without harm to the other clients.
/// </summary>
public class IrcDoorTests
{
    [Fact]
    public async Task The_tls_port_registers_with_sasl_and_chats_with_a_plain_client()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { DevTls = true });
        Assert.True((await server.Hub.RegisterForTokenAsync("alice", ProtocolSteps.Password, "127.0.0.1")).Succeeded);
        var fingerprint = server.Services.GetRequiredService<CertificateSource>().Fingerprint;
        RemoteCertificateValidationCallback pin = (_, certificate, _, _) => certificate is not null && new X509Certificate2(certificate).GetCertHashString(HashAlgorithmName.SHA256) == fingerprint;

        await using var secure = await IrcTestClient.ConnectTlsAsync(server.IrcTlsEndPoint!.Port, pin);
        await secure.SendAsync("CAP LS 302");
        await secure.SendAsync("CAP REQ :sasl");
        await secure.ExpectAsync(l => l.Command == "CAP" && l.Param(1) == "ACK");
        await secure.SendAsync("AUTHENTICATE PLAIN");
        await secure.ExpectAsync("AUTHENTICATE");
        await secure.SendAsync("AUTHENTICATE " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0alice\0{ProtocolSteps.Password}")));
        await secure.ExpectAsync("903");
        await secure.SendAsync("NICK alice");
        await secure.SendAsync("USER alice 0 * :Alice");
        await secure.SendAsync("CAP END");
        Assert.Equal("alice", (await secure.ExpectAsync("001")).Param(0));

        await using var plain = await IrcTestClient.RegisterAsync(server, "bob");
        await secure.JoinChannelAsync("#sec");
        await plain.JoinChannelAsync("#sec");
        await secure.ExpectFromAsync("bob", "JOIN", "#sec");
        await plain.SendAsync("PRIVMSG #sec :over plain text");
        Assert.Equal("over plain text", (await secure.ExpectFromAsync("bob", "PRIVMSG", "#sec")).Trailing);
        await secure.SendAsync("PRIVMSG #sec :over tls");
        Assert.Equal("over tls", (await plain.ExpectFromAsync("alice", "PRIVMSG", "#sec")).Trailing);
    }

    [Fact]
    public async Task The_per_address_connection_limit_counts_irc_with_the_other_doors_and_refuses_one_more()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { MaxConnectionsPerAddress = 2 } });
        await using var native = await server.GuestAsync("native");
        await using var irc = await IrcTestClient.RegisterAsync(server, "first");

        // Registering as a client would, right away. The server reads what arrives within a moment of its goodbye
        // (ConnectionLimiter.DrainAsync), but a test host starved of CPU may write later than that: a write refused
        // because the server has closed is no failure here; what the server said is.
        await using var refused = await IrcTestClient.ConnectAsync(server);
        try
        {
            await refused.SendAsync("NICK third");
            await refused.SendAsync("USER third 0 * :Third");
        }
        catch (IOException)
        {
            // closed already
        }

        await refused.ExpectClosedAsync();
        Assert.DoesNotContain(refused.Seen, l => IrcLineParts.Parse(l).Command == "001");
        Assert.StartsWith("ERROR :Closing link: too many connections", Assert.Single(refused.Seen), StringComparison.Ordinal);

        // The two admitted connections are untouched.
        await irc.SendAsync("PRIVMSG #lobby :still here");
        await native.ExpectMessageAsync("still here");
    }

    [Fact]
    public async Task A_flood_of_hundreds_of_lines_is_held_then_refused_then_closed_as_flooding_and_the_room_goes_on()
    {
        // Under one frame a second, a line held for the longest fakelag (1 s) still finds no frame: it is refused.
        var limits = TestLimits.Off with { FramesPerSecond = 0.5, FrameBurst = 10, FloodRefusals = 3, FloodWindow = TimeSpan.FromMinutes(1) };
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = limits });
        await using var bystander = await IrcTestClient.RegisterAsync(server, "bystander");
        await using var web = await RawClient.ConnectWebSocketAsync(server.HttpBase);
        await RawClient.HelloAsync(web, "webwatcher");
        await using var flooder = await IrcTestClient.RegisterAsync(server, "flooder");
        await bystander.ExpectFromAsync("flooder", "JOIN", "#lobby");

        var (error, elapsed) = await FloodAsync(flooder, 300);
        Assert.Contains("flooding", error.Trailing, StringComparison.Ordinal);
        var fails = flooder.Seen.Select(IrcLineParts.Parse).Where(l => l.Command == "FAIL").ToList();
        Assert.Equal(4, fails.Count); // closed at the refusal beyond FloodRefusals
        Assert.All(fails, f => Assert.Equal("RATE_LIMITED", f.Param(1)));

        // The first refusal came only after the line was held for the full fakelag.
        Assert.True(elapsed >= TimeSpan.FromSeconds(1), $"closed after {elapsed}");

        // The room goes on: the bystander saw the flooder leave for flooding and still speaks. The web page saw the
        // lines let through, in order and far from all of them (they are delivered once durable, so some may follow
        // the departure, but all precede the bystander's later message).
        var part = await bystander.ExpectFromAsync("flooder", "PART", "#lobby");
        Assert.Equal("flooding", part.Trailing);
        await bystander.SendAsync("PRIVMSG #lobby :unaffected");
        var numbers = new List<int>();
        string? reason = null;
        var unaffected = false;
        while (!unaffected || reason is null)
        {
            var frame = await web.ReadAsync();
            if (frame.Type() == "message")
            {
                unaffected |= frame.Str("text") == "unaffected";
                if (frame.Str("from") == "flooder")
                {
                    numbers.Add(int.Parse(frame.Str("text")!["flood ".Length..], System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            reason ??= LeaveReason(frame, "flooder");
        }

        Assert.Equal("flooding", reason);
        Assert.Equal(1, numbers[0]);
        Assert.Equal(numbers.Order(), numbers);
        Assert.InRange(numbers.Count, 1, 20);
    }

    [Fact]
    public async Task A_client_a_little_over_the_frame_rate_is_slowed_and_never_refused()
    {
        var limits = TestLimits.Off with { FramesPerSecond = 4, FrameBurst = 10, FloodRefusals = 3, FloodWindow = TimeSpan.FromMinutes(1) };
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = limits });
        await using var bystander = await IrcTestClient.RegisterAsync(server, "bystander");
        await using var sender = await IrcTestClient.RegisterAsync(server, "paster");
        await bystander.ExpectFromAsync("paster", "JOIN", "#lobby");

        var watch = Stopwatch.StartNew();
        await sender.SendRawAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, 30).Select(i => $"PRIVMSG #lobby :paste {i}\r\n"))));
        var seen = await bystander.CollectUntilAsync(l => l.Command == "PRIVMSG" && l.Trailing == "paste 30");
        Assert.Equal(Enumerable.Range(1, 30).Select(i => $"paste {i}"), seen.Where(l => l.Command == "PRIVMSG").Select(l => l.Trailing));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(4), $"30 lines at 4 a second after a burst of 10 took {watch.Elapsed}");
        await sender.SyncAsync();
        Assert.DoesNotContain(sender.Seen, l => l.Contains("FAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Messages_over_the_message_limit_are_FAIL_PRIVMSG_RATE_LIMITED_and_then_flooding()
    {
        var limits = TestLimits.Off with { MessagesPerSecond = 0.01, MessageBurst = 5, FloodRefusals = 3, FloodWindow = TimeSpan.FromMinutes(1) };
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = limits });
        await using var native = await server.GuestAsync("watcher");
        await using var flooder = await IrcTestClient.RegisterAsync(server, "chatty");
        await native.ExpectJoinedAsync("lobby", "chatty");

        var (error, _) = await FloodAsync(flooder, 100);
        Assert.Contains("flooding", error.Trailing, StringComparison.Ordinal);
        var fails = flooder.Seen.Select(IrcLineParts.Parse).Where(l => l.Command == "FAIL").ToList();
        Assert.Equal(4, fails.Count);
        Assert.All(fails, f => Assert.Equal(("PRIVMSG", "RATE_LIMITED"), (f.Param(0), f.Param(1))));

        // The five accepted messages are delivered once durable, so the departure may come before the last of them.
        var texts = new List<string>();
        string? reason = null;
        while (texts.Count < 5 || reason is null)
        {
            var frame = await native.ReadAsync();
            if (frame.Type() == "message" && frame.Str("from") == "chatty")
            {
                texts.Add(frame.Str("text")!);
            }
            reason ??= LeaveReason(frame, "chatty");
        }

        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"flood {i}"), texts);
        Assert.Equal("flooding", reason);
    }

    /// <summary>Why <paramref name="user"/> left the lobby, if <paramref name="frame"/> says so (alone or in a presence frame).</summary>
    private static string? LeaveReason(System.Text.Json.Nodes.JsonObject frame, string user)
        => frame.Type() == "left" && frame.Str("user") == user && frame.Str("room") == "lobby" ? frame.Str("reason")
            : frame.Type() == "presence" && frame.Str("room") == "lobby" && frame["left"] is System.Text.Json.Nodes.JsonArray left
                ? left.FirstOrDefault(e => e!["user"]!.GetValue<string>() == user)?["reason"]?.GetValue<string>()
                : null;

    /// <summary>Sends <paramref name="lines"/> PRIVMSGs at once; returns the ERROR that closed the connection and when it came.</summary>
    private static async Task<(IrcLineParts Error, TimeSpan Elapsed)> FloodAsync(IrcTestClient flooder, int lines)
    {
        var flood = new StringBuilder();
        for (var i = 1; i <= lines; i++)
        {
            flood.Append(System.Globalization.CultureInfo.InvariantCulture, $"PRIVMSG #lobby :flood {i}\r\n");
        }

        var watch = Stopwatch.StartNew();
        await flooder.SendRawAsync(Encoding.UTF8.GetBytes(flood.ToString()));
        var error = await flooder.ExpectAsync("ERROR");
        var elapsed = watch.Elapsed;
        await flooder.ExpectClosedAsync();
        return (error, elapsed);
    }

    [Fact]
    public async Task An_idle_client_is_pinged_and_closed_without_a_pong_while_one_that_answers_stays()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { IdleTimeout = TimeSpan.FromSeconds(1) });
        await using var answering = await IrcTestClient.RegisterAsync(server, "answering");
        using var stop = new CancellationTokenSource();
        var pongs = 0;
        var answeringLoop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                IrcLineParts? line;
                try
                {
                    line = await answering.ReadAsync(TimeSpan.FromMilliseconds(100));
                }
                catch (TimeoutException)
                {
                    continue;
                }

                if (line is { Command: "PING" })
                {
                    await answering.SendAsync("PONG :" + line.Trailing);
                    pongs++;
                }
            }
        });

        await using var silent = await IrcTestClient.RegisterAsync(server, "silent");
        var ping = await silent.ExpectAsync("PING");
        Assert.Equal("piazza.local", ping.Trailing);
        var error = await silent.ExpectAsync("ERROR");
        Assert.Contains("ping timeout", error.Trailing, StringComparison.Ordinal);
        await silent.ExpectClosedAsync();

        await stop.CancelAsync();
        await answeringLoop.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(pongs >= 1, "the answering client was never pinged");
        // The silent one's departure may reach the answering client after its loop stopped: wait for it if so.
        static bool IsTimeoutPart(string line) => line.Contains(":silent!", StringComparison.Ordinal) && line.Contains("PART #lobby :timeout", StringComparison.Ordinal);
        if (!answering.Seen.Any(IsTimeoutPart))
        {
            await answering.ExpectAsync(l => IsTimeoutPart(l.Raw));
        }

        await answering.SyncAsync(); // still open
    }

    [Fact]
    public async Task An_unregistered_connection_is_closed_with_ERROR_at_the_registration_deadline()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { HelloTimeout = TimeSpan.FromSeconds(1) });
        await using var nickOnly = await IrcTestClient.ConnectAsync(server);
        await nickOnly.SendAsync("NICK halfway");
        await using var mute = await IrcTestClient.ConnectAsync(server);

        foreach (var client in new[] { nickOnly, mute })
        {
            var error = await client.ExpectAsync("ERROR");
            Assert.Contains("registration timed out", error.Trailing, StringComparison.Ordinal);
            await client.ExpectClosedAsync();
        }

        // A client that registers in time is not touched by the deadline.
        await using var prompt = await IrcTestClient.RegisterAsync(server, "prompt");
        await prompt.JoinChannelAsync("#later");
        await prompt.SyncAsync();
    }

    [Fact]
    public async Task A_stalled_irc_reader_is_dropped_as_slow_consumer_while_the_others_receive_everything()
    {
        const int Messages = 1500;
        const int MaxLag = 50;
        await using var server = await TestServer.StartAsync(new TestServerOptions { OutboxMaxBytes = 512 * 1024 });
        await using var reader = await IrcTestClient.RegisterAsync(server, "reader");

        // Registers, then never reads, with a tiny receive window so the kernel's buffers fill fast.
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync("127.0.0.1", server.IrcEndPoint!.Port);
        await stalled.SendAsync(Encoding.UTF8.GetBytes("NICK stalled\r\nUSER s 0 * :s\r\n"));
        await reader.ExpectFromAsync("stalled", "JOIN", "#lobby");

        await using var sender = await server.GuestAsync("sender");
        using var credits = new SemaphoreSlim(MaxLag);
        var reading = Task.Run(async () =>
        {
            var numbers = new List<int>();
            IrcLineParts? drop = null;
            while (numbers.Count < Messages || drop is null)
            {
                var line = await reader.ExpectAsync(l => l.Command is "PRIVMSG" or "PART", TimeSpan.FromSeconds(30));
                if (line.Command == "PART" && line.SourceNick == "stalled")
                {
                    drop = line;
                }
                else if (line.Command == "PRIVMSG" && line.Trailing is [>= '0' and <= '9', _, _, _, ' ', ..] text)
                {
                    numbers.Add(int.Parse(text[..4], System.Globalization.CultureInfo.InvariantCulture));
                    credits.Release();
                }
            }

            return (numbers, drop);
        });

        using var echoCredits = new SemaphoreSlim(MaxLag);
        using var stopDraining = new CancellationTokenSource();
        var senderDrain = Task.Run(async () =>
        {
            try
            {
                while (!stopDraining.IsCancellationRequested)
                {
                    if ((await sender.ReadAsync(TimeSpan.FromSeconds(30))).Type() == "message")
                    {
                        echoCredits.Release();
                    }
                }
            }
            catch (Exception) when (stopDraining.IsCancellationRequested)
            {
                // closed by the test below
            }
        });

        var filler = new string('z', 2995);
        for (var i = 0; i < Messages; i++)
        {
            Assert.True(await credits.WaitAsync(TimeSpan.FromSeconds(30)), "the IRC reader stopped receiving");
            Assert.True(await echoCredits.WaitAsync(TimeSpan.FromSeconds(30)), "the sender stopped receiving its echoes");
            await sender.SendAsync(new { type = "send", text = $"{i:D4} {filler}", id = $"m{i}" });
        }

        var (numbers, drop) = await reading.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("slow_consumer", drop!.Trailing);
        Assert.Equal(Enumerable.Range(0, Messages), numbers);
        Assert.DoesNotContain(server.Hub.Sessions, s => s.Name == "stalled");
        await stopDraining.CancelAsync();
        await sender.DisposeAsync();
        await senderDrain.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_shutdown_sends_ERROR_and_closes_every_irc_connection()
    {
        await using var server = await TestServer.StartAsync();
        await using var registered = await IrcTestClient.RegisterAsync(server, "stayer");
        await registered.JoinChannelAsync("#dev");
        await using var unregistered = await IrcTestClient.ConnectAsync(server);
        await unregistered.SendAsync("NICK undecided");

        var watch = Stopwatch.StartNew();
        var stopping = server.StopAsync();
        var error = await registered.ExpectAsync("ERROR");
        Assert.Contains("shutting down", error.Trailing, StringComparison.Ordinal);
        await registered.ExpectClosedAsync();
        await unregistered.ExpectClosedAsync();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {watch.Elapsed}");
    }
}
