using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>Each configurable limit meets its excess with the documented answer (docs/security.md).</summary>
public class LimitsTests
{
    /// <summary>Reads frames until one answers each id; returns them by id.</summary>
    private static async Task<Dictionary<string, JsonObject>> AnswersAsync(RawClient client, IEnumerable<string> ids, Func<JsonObject, string?>? key = null)
    {
        var wanted = ids.ToHashSet();
        var answers = new Dictionary<string, JsonObject>();
        while (answers.Count < wanted.Count)
        {
            var frame = await client.ReadAsync();
            if (frame.Str("re") is { } re && wanted.Contains(re) && frame.Type() is "ok" or "error" or "pong")
            {
                answers[re] = frame;
            }
        }

        return answers;
    }

    [Fact]
    public async Task Messages_over_the_connection_rate_are_refused_with_retry_after_and_go_through_later()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { MessagesPerSecond = 1, MessageBurst = 3, FloodRefusals = 0 } });
        await using var client = await server.GuestAsync("chatty");
        var ids = Enumerable.Range(0, 6).Select(i => $"m{i}").ToList();
        await client.SendRawAsync(string.Concat(ids.Select(id => $"{{\"type\":\"send\",\"text\":\"{id}\",\"id\":\"{id}\"}}\n")));
        var answers = await AnswersAsync(client, ids);

        Assert.All(ids.Take(3), id => AssertOk(answers[id]));
        var refused = answers.Values.Where(a => a.Type() == "error").ToList();
        Assert.InRange(refused.Count, 2, 3); // the third may meet a token refilled under load
        Assert.All(refused, r =>
        {
            AssertError(r, "rate_limited");
            Assert.True(r["retryAfter"]!.GetValue<double>() >= 1, r.ToJsonString());
        });

        // Waiting as long as the server asked is enough. Measured on the high-resolution clock the server's buckets use:
        // a timer may fire up to a millisecond early by it, which once left the bucket a hair short of a token.
        var retryAfter = TimeSpan.FromSeconds(refused[0]["retryAfter"]!.GetValue<double>());
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (waiting.Elapsed < retryAfter)
        {
            await Task.Delay(retryAfter - waiting.Elapsed + TimeSpan.FromMilliseconds(1));
        }

        await SendOkAsync(client, "lobby", "patient", "later");
    }

    [Fact]
    public async Task The_client_library_waits_as_told_so_a_burst_flows_at_the_servers_rate_without_a_disconnect()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { MessagesPerSecond = 2, MessageBurst = 2, FloodRefusals = 5 } });
        await using var client = new Piazza.Client.PiazzaClient(new Piazza.Client.PiazzaClientOptions { Port = server.Port, User = "paster", Reconnect = false });
        await client.ConnectAsync();
        var seqs = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            seqs.Add((await client.SendAsync("lobby", $"line {i}")).Seq);
        }

        Assert.Equal(Range(1, 8), seqs);
        Assert.Equal(Piazza.Client.ConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task Sends_made_at_once_and_refused_as_rate_limited_are_stored_in_the_order_they_were_made()
    {
        // A paste into the terminal client: every line's send starts before the first is answered.
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { MessagesPerSecond = 4, MessageBurst = 2, FloodRefusals = 20 } });
        await using var client = new Piazza.Client.PiazzaClient(new Piazza.Client.PiazzaClientOptions { Port = server.Port, User = "paster", Reconnect = false });
        await client.ConnectAsync();
        var texts = Enumerable.Range(0, 10).Select(i => $"line {i}").ToList();
        var sends = texts.Select(text => client.SendAsync("lobby", text)).ToList();
        await Task.WhenAll(sends);

        var history = await client.HistoryAsync("lobby");
        Assert.Equal(texts, history.Select(m => m.Text));
        Assert.Equal(Range(1, 10), history.Select(m => m.Seq));
    }

    [Fact]
    public async Task The_account_rate_spans_devices_and_the_http_api()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { AccountMessagesPerSecond = 0.05, AccountMessageBurst = 4, FloodRefusals = 0 } });
        await using var phone = await server.RegisterAsync("alice");
        var welcome = phone.Welcome;
        await using var laptop = await server.LoginAsync("alice");
        await SendOkAsync(phone, "lobby", "1", "p1");
        await SendOkAsync(laptop, "lobby", "2", "l1");
        await SendOkAsync(phone, "lobby", "3", "p2");
        await SendOkAsync(laptop, "lobby", "4", "l2");
        AssertError(await RequestAsync(phone, new { type = "send", room = "lobby", text = "5", id = "p3" }, "p3"), "rate_limited");

        using var http = server.CreateHttpClient(welcome.Str("token"));
        using var response = await http.PostAsJsonAsync("api/rooms/lobby/messages", new { text = "6" });
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Frames_of_any_type_are_limited_per_connection()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { FramesPerSecond = 0.05, FrameBurst = 5, FloodRefusals = 0 } });
        await using var client = await server.GuestAsync("pinger"); // the hello is frame 1
        await client.SendRawAsync(string.Concat(Enumerable.Range(0, 10).Select(i => $"{{\"type\":\"ping\",\"id\":\"p{i}\"}}\n")));
        var frames = new List<JsonObject>();
        while (frames.Count < 10)
        {
            var frame = await client.ReadAsync();
            if (frame.Type() is "pong" or "error")
            {
                frames.Add(frame);
            }
        }

        Assert.Equal(["p0", "p1", "p2", "p3"], frames.Where(f => f.Type() == "pong").Select(f => f.Str("re")));
        Assert.Equal(6, frames.Count(f => f.Type() == "error" && f.Str("code") == "rate_limited" && f["retryAfter"] is not null));
    }

    [Fact]
    public async Task A_client_that_keeps_sending_after_rate_limited_is_disconnected_as_flooding_and_logged()
    {
        var log = new CapturedLog();
        await using var server = await TestServer.StartLoggingAsync(log, new TestServerOptions { Limits = TestLimits.Off with { FramesPerSecond = 0.05, FrameBurst = 5, FloodRefusals = 3, FloodWindow = TimeSpan.FromMinutes(1) } });
        await using var observer = await server.GuestAsync("observer");
        await using var flooder = await server.GuestAsync("flooder");
        await flooder.SendRawAsync(string.Concat(Enumerable.Range(0, 20).Select(i => $"{{\"type\":\"ping\",\"id\":\"p{i}\"}}\n")));

        var frames = new List<JsonObject>();
        var last = await flooder.ReadUntilAsync(x => x.Str("code") == "flooding", skipped: frames);
        Assert.Contains("rate_limited", last.Str("message"), StringComparison.Ordinal);
        Assert.Equal(4, frames.Count(x => x.Type() == "pong"));
        Assert.Equal(4, frames.Count(x => x.Str("code") == "rate_limited")); // three allowed, the fourth ends it
        Assert.True(await flooder.WaitForCloseAsync());

        var left = await observer.ReadUntilAsync(x => x.Type() == "left" && x.Str("user") == "flooder");
        Assert.Equal("flooding", left.Str("reason"));
        await log.WaitForAsync(l => l.Contains("flooder", StringComparison.Ordinal) && l.Contains("kept flooding", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rooms_per_user_are_capped()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { MaxRoomsPerUser = 3 });
        await using var client = await server.GuestAsync("joiner");
        await JoinRoomAsync(client, "r1", "j1");
        await JoinRoomAsync(client, "r2", "j2");
        var refused = await RequestAsync(client, new { type = "join", room = "r3", id = "j3" }, "j3");
        AssertError(refused, "too_many_rooms");
        AssertOk(await RequestAsync(client, new { type = "join", room = "r2", id = "again" }, "again")); // already in: fine
        AssertOk(await RequestAsync(client, new { type = "leave", room = "r1", id = "l1" }, "l1"));
        await JoinRoomAsync(client, "r3", "j4");
    }

    [Fact]
    public async Task Concurrent_connections_per_address_are_capped_on_every_door()
    {
        var log = new CapturedLog();
        await using var server = await TestServer.StartLoggingAsync(log, new TestServerOptions { Limits = TestLimits.Off with { MaxConnectionsPerAddress = 3 } });
        var admitted = new List<RawClient>();
        for (var i = 0; i < 3; i++)
        {
            admitted.Add((await RawClient.JoinAsync(server.Port, $"user{i}")).Client);
        }

        await using var extra = await RawClient.ConnectAsync(server.Port);
        var refusal = await extra.ReadAsync();
        AssertError(refusal, "too_many_connections");
        Assert.Contains("at once", refusal.Str("message"), StringComparison.Ordinal);
        Assert.True(await extra.WaitForCloseAsync());
        await log.WaitForAsync(l => l.StartsWith("Refused a connection from 127.0.0.1", StringComparison.Ordinal));

        // A WebSocket is a long-lived connection of the same budget: refused (JSON 503); a short request is not.
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => RawClient.ConnectWebSocketAsync(server.HttpBase));
        using (var http = server.CreateHttpClient())
        {
            using var response = await http.GetAsync("healthz");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The admitted ones are unaffected; closing one makes room.
        await admitted[0].SendAsync(new { type = "ping", id = "still" });
        Assert.Equal("pong", (await admitted[0].ReadUntilAsync(x => x.Str("re") == "still")).Type());
        await admitted[2].DisposeAsync();
        var deadline = DateTime.UtcNow + RawClient.DefaultTimeout;
        while (true)
        {
            // The server notices the close asynchronously; each attempt is answered at once either way.
            await using var retry = await RawClient.ConnectAsync(server.Port);
            await retry.SendAsync(new { type = "hello", user = "newcomer" });
            var answer = await retry.ReadUntilAsync(x => x.Type() is "welcome" or "error");
            if (answer.Type() == "welcome")
            {
                break;
            }

            AssertError(answer, "too_many_connections");
            Assert.True(DateTime.UtcNow < deadline, "the closed connection was never released");
            await retry.WaitForCloseAsync();
        }

        foreach (var client in admitted)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task New_connections_per_second_per_address_are_capped()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { ConnectionsPerSecondPerAddress = 0.05, ConnectionBurstPerAddress = 3 } });
        var admitted = new List<RawClient>();
        for (var i = 0; i < 3; i++)
        {
            admitted.Add((await RawClient.JoinAsync(server.Port, $"user{i}")).Client);
        }

        await using var extra = await RawClient.ConnectAsync(server.Port);
        var refusal = await extra.ReadAsync();
        AssertError(refusal, "too_many_connections");
        Assert.Contains("new connections", refusal.Str("message"), StringComparison.Ordinal);
        foreach (var client in admitted)
        {
            await client.DisposeAsync();
        }
    }
}
