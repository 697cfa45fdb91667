using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.EventStream;

/// <summary><c>GET /api/events</c> read as an SSE client reads it: the protocol's events, resumable, bounded, private.</summary>
public class EventStreamTests
{
    [Fact]
    public async Task A_message_sent_over_the_line_protocol_arrives_as_an_event_whose_data_is_the_protocols_json()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await server.RegisterAsync("alice");
        await using var stream = await SseReader.OpenAsync(server, alice.Welcome.Str("token")!);
        var welcome = await stream.ReadUntilAsync(e => e.Event == "welcome");
        Assert.Equal("alice", welcome.Json.Str("user"));
        Assert.Null(welcome.Json["token"]); // the stream never repeats the bearer token
        Assert.Equal(3000, stream.Retry);
        await stream.ReadUntilAsync(e => e.Event == "history" && e.Json.Str("room") == "lobby");

        await SendOkAsync(bob, "lobby", "hello over SSE", "m1");
        var overTcp = await alice.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "hello over SSE");
        var overSse = await stream.ReadUntilAsync(e => e.Event == "message");
        Assert.True(JsonNode.DeepEquals(overTcp, overSse.Json), $"{overTcp.ToJsonString()} vs {overSse.Data}");
        Assert.StartsWith("v1.", overSse.LastEventId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "", HttpStatusCode.Unauthorized, "auth_failed")]
    [InlineData("not-a-token", "", HttpStatusCode.Unauthorized, "auth_failed")]
    [InlineData("VALID", "?after=lobby", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("VALID", "?after=lobby:x", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("VALID", "?after=LONG", HttpStatusCode.RequestEntityTooLarge, "too_large")]
    [InlineData("VALID", "LAST-EVENT-ID:v1.%%%", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("VALID", "LAST-EVENT-ID:garbage", HttpStatusCode.BadRequest, "bad_request")]
    public async Task A_stream_that_cannot_start_is_refused_with_the_json_error_shape(string? token, string query, HttpStatusCode status, string code)
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        token = token == "VALID" ? alice.Welcome.Str("token") : token;
        string? lastEventId = null;
        if (query.StartsWith("LAST-EVENT-ID:", StringComparison.Ordinal))
        {
            (lastEventId, query) = (query["LAST-EVENT-ID:".Length..], "");
        }

        query = query.Replace("LONG", string.Join(',', Enumerable.Range(0, 300).Select(i => $"room{i}:{i}")), StringComparison.Ordinal);
        var (reader, response) = await SseReader.TryOpenAsync(server, token, lastEventId, query);
        Assert.Null(reader);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(code, body.Str("code"));
        Assert.False(string.IsNullOrEmpty(body.Str("message")));
        if (status == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task Access_token_in_the_query_works_for_clients_that_cannot_set_headers()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        using var response = await http.GetAsync("/api/events?access_token=" + Uri.EscapeDataString(alice.Welcome.Str("token")!), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("alice", (await reader.ReadUntilAsync(e => e.Event == "welcome")).Json.Str("user"));
    }

    [Fact]
    public async Task Resuming_with_last_event_id_gets_every_message_sent_while_away_once_in_every_conversation()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await JoinRoomAsync(bob, "dev");
        await using var alice = await server.RegisterAsync("alice");
        await JoinRoomAsync(alice, "dev");
        var token = alice.Welcome.Str("token")!;
        for (var i = 1; i <= 3; i++)
        {
            await SendOkAsync(bob, "lobby", $"lobby before {i}", $"lb{i}");
            await SendOkAsync(bob, "dev", $"dev before {i}", $"db{i}");
        }

        await SendPrivateOkAsync(bob, "alice", "private before", "pb");
        var seen = new MessageLog();
        string lastId;
        await using (var first = await SseReader.OpenAsync(server, token))
        {
            await SendOkAsync(bob, "dev", "dev live", "dl");
            await seen.ReadUntilAsync(first, "dev live");
            lastId = first.LastEventId!;
        }

        // Sent while the stream is down: more than history-on-join would show, in two rooms and a private conversation.
        for (var i = 1; i <= 60; i++)
        {
            await SendOkAsync(bob, "dev", $"dev away {i}", $"da{i}");
        }

        await SendOkAsync(bob, "lobby", "lobby away", "la");
        await SendPrivateOkAsync(bob, "alice", "private away", "pa");
        await using (var second = await SseReader.OpenAsync(server, token, lastId))
        {
            await SendOkAsync(bob, "dev", "dev after", "dafter");
            await seen.ReadUntilAsync(second, "dev after");
            await SendPrivateOkAsync(bob, "alice", "private after", "pafter");
            await seen.ReadUntilAsync(second, "private after");
        }

        seen.AssertNoGapNoDuplicate();
        Assert.Equal(Enumerable.Range(1, 60).Select(i => $"dev away {i}"), seen.Texts.Where(t => t.StartsWith("dev away", StringComparison.Ordinal)));
        Assert.Contains("lobby away", seen.Texts);
        Assert.Contains("private away", seen.Texts);
        Assert.Equal(1, seen.Texts.Count(t => t == "dev live"));
    }

    [Fact]
    public async Task After_in_the_query_resumes_each_conversation_named_and_last_event_id_wins_over_it()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await server.RegisterAsync("alice");
        for (var i = 1; i <= 5; i++)
        {
            await SendOkAsync(bob, "lobby", $"m{i}", $"m{i}");
        }

        await using (var stream = await SseReader.OpenAsync(server, alice.Welcome.Str("token")!, query: "?after=lobby:3"))
        {
            var history = await stream.ReadUntilAsync(e => e.Event == "history" && e.Json.Str("room") == "lobby" && e.Json["messages"]!.AsArray().Count > 0);
            Assert.Equal([4L, 5L], Seqs(history.Json));
        }

        var id = "v1." + Convert.ToBase64String(Encoding.UTF8.GetBytes("lobby:4\n")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using (var stream = await SseReader.OpenAsync(server, alice.Welcome.Str("token")!, id, "?after=lobby:1"))
        {
            var history = await stream.ReadUntilAsync(e => e.Event == "history" && e.Json.Str("room") == "lobby" && e.Json["messages"]!.AsArray().Count > 0);
            Assert.Equal([5L], Seqs(history.Json));
        }
    }

    [Fact]
    public async Task A_stream_resumes_across_a_server_restart_on_the_same_data_folder()
    {
        var server = await TestServer.StartAsync();
        var data = server.DataDirectory;
        string token, lastId;
        var seen = new MessageLog();
        await using (var bob = await server.RegisterAsync("bob"))
        await using (var alice = await server.RegisterAsync("alice"))
        {
            token = alice.Welcome.Str("token")!;
            await using var stream = await SseReader.OpenAsync(server, token);
            await SendOkAsync(bob, "lobby", "before restart", "b");
            await seen.ReadUntilAsync(stream, "before restart");
            await bob.SendAsync(new { type = "bye" });
            var stopping = server.StopKeepingDataAsync();
            var shutdown = await stream.ReadUntilAsync(e => e.Event == "shutdown");
            Assert.False(string.IsNullOrEmpty(shutdown.Json.Str("message")));
            Assert.Null(await stream.ReadAsync()); // the shutdown event is the stream's last
            lastId = stream.LastEventId!;
            await stopping;
        }

        await using var restarted = await TestServer.StartInAsync(data, new TestServerOptions());
        await using var bob2 = await restarted.LoginAsync("bob");
        await SendOkAsync(bob2, "lobby", "while down 1", "w1");
        await SendOkAsync(bob2, "lobby", "while down 2", "w2");
        await using var resumed = await SseReader.OpenAsync(restarted, token, lastId);
        await SendOkAsync(bob2, "lobby", "after restart", "a");
        await seen.ReadUntilAsync(resumed, "after restart");
        seen.AssertNoGapNoDuplicate();
        Assert.Equal(["before restart", "while down 1", "while down 2", "after restart"], seen.Texts.Where(t => t != "").SkipWhile(t => t != "before restart"));
    }

    [Fact]
    public async Task A_stream_never_carries_another_users_private_room_or_private_conversation_and_a_left_room_stops()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var carol = await server.RegisterAsync("carol");
        await using var alice = await server.RegisterAsync("alice");
        AssertOk((await RequestAsync(bob, new { type = "join", room = "secret", @private = true, id = "p" }, "p")));
        await JoinRoomAsync(alice, "dev");
        await JoinRoomAsync(bob, "dev");
        await SendOkAsync(bob, "secret", "secret before", "s0");
        await SendPrivateOkAsync(bob, "carol", "bob to carol before", "bc0");

        // Naming the private room and bob and carol's conversation in the resume point changes nothing.
        await using var stream = await SseReader.OpenAsync(server, alice.Welcome.Str("token")!, query: "?after=secret:0,@bob,carol:0");
        var events = new List<SseEvent>();
        await SendOkAsync(bob, "secret", "secret live", "s1");
        await SendPrivateOkAsync(bob, "carol", "bob to carol live", "bc1");
        await SendOkAsync(bob, "dev", "dev while in", "d1");
        await stream.ReadUntilAsync(e => e.Event == "message" && e.Json.Str("text") == "dev while in", skipped: events);

        AssertOk(await RequestAsync(alice, new { type = "leave", room = "dev", id = "l" }, "l"));
        await stream.ReadUntilAsync(e => e.Event == "left" && e.Json.Str("room") == "dev" && e.Json.Str("user") == "alice", skipped: events);
        await SendOkAsync(bob, "dev", "dev after leaving", "d2");
        await SendOkAsync(bob, "lobby", "lobby marker", "lm");
        await stream.ReadUntilAsync(e => e.Event == "message" && e.Json.Str("text") == "lobby marker", skipped: events);

        var all = string.Join('\n', events.Select(e => e.Data));
        Assert.DoesNotContain("secret", all, StringComparison.Ordinal);
        Assert.DoesNotContain("bob to carol", all, StringComparison.Ordinal);
        Assert.DoesNotContain("dev after leaving", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_room_joined_and_a_private_conversation_started_while_streaming_appear_on_the_stream()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await server.RegisterAsync("alice");
        await using var stream = await SseReader.OpenAsync(server, alice.Welcome.Str("token")!);
        await stream.ReadUntilAsync(e => e.Event == "history" && e.Json.Str("room") == "lobby");
        await JoinRoomAsync(bob, "ops");
        await JoinRoomAsync(alice, "ops"); // alice's other device joins: the stream enters the room too
        await stream.ReadUntilAsync(e => e.Event == "room" && e.Json.Str("room") == "ops");
        await SendOkAsync(bob, "ops", "in ops", "o1");
        await stream.ReadUntilAsync(e => e.Event == "message" && e.Json.Str("text") == "in ops");
        await SendPrivateOkAsync(bob, "alice", "first private", "p1");
        var first = await stream.ReadUntilAsync(e => e.Event is "message" or "history" && e.Data.Contains("first private", StringComparison.Ordinal));
        Assert.Contains("@alice,bob", first.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_that_is_not_read_is_dropped_as_a_slow_consumer_and_its_last_event_says_so()
    {
        const int MaxLag = 50;
        await using var server = await TestServer.StartAsync(new TestServerOptions { OutboxMaxBytes = 512 * 1024 });
        await using var watcher = await server.RegisterAsync("watcher");
        string stalledToken, senderToken;
        await using (var stalledUser = await server.RegisterAsync("stalled"))
        await using (var senderUser = await server.RegisterAsync("sender"))
        {
            (stalledToken, senderToken) = (stalledUser.Welcome.Str("token")!, senderUser.Welcome.Str("token")!);
        }

        // A raw HTTP client with a tiny receive window that never reads until the stream is dropped.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(IPAddress.Loopback, server.HttpEndPoint!.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer {stalledToken}\r\n\r\n"));
        await using var network = new NetworkStream(socket, ownsSocket: false);
        await WaitUntilAsync(() => server.Hub.Sessions.Any(s => s.Name == "stalled" && s.Connection.Door == "http-events"));

        // The sender posts over REST (no echo to drain); the watcher is kept at most MaxLag messages behind.
        using var rest = server.CreateHttpClient(senderToken);
        var text = new string('z', 3000);
        using var credits = new SemaphoreSlim(MaxLag);
        var dropped = Task.Run(async () =>
        {
            while (true)
            {
                var frame = await watcher.ReadAsync(TimeSpan.FromSeconds(60));
                if (frame.Type() == "message")
                {
                    credits.Release();
                }

                if (frame.ToJsonString() is var json && json.Contains("\"stalled\"", StringComparison.Ordinal) && json.Contains("slow_consumer", StringComparison.Ordinal))
                {
                    return;
                }
            }
        });
        for (var i = 0; i < 1500 && !dropped.IsCompleted; i++)
        {
            Assert.True(await credits.WaitAsync(TimeSpan.FromSeconds(30)), "the watcher stopped receiving");
            using var sent = await rest.PostAsync("/api/rooms/lobby/messages", new StringContent($"{{\"text\":\"{text}\",\"id\":\"m{i}\"}}", Encoding.UTF8, "application/json"));
            Assert.True(sent.IsSuccessStatusCode, $"send {i}: {(int)sent.StatusCode}");
        }

        await dropped.WaitAsync(TimeSpan.FromSeconds(60));
        var events = await ReadRawHttpEventsAsync(network);
        Assert.Contains(events, e => e.Event == "welcome");
        var last = events[^1];
        Assert.Equal("error", last.Event);
        Assert.Equal("slow_consumer", last.Json.Str("code"));
    }

    [Fact]
    public async Task An_idle_stream_sends_comment_heartbeats()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(400) });
        await using var alice = await server.RegisterAsync("alice");
        await using var stream = await SseReader.OpenAsync(server, alice.Welcome.Str("token")!);
        await stream.ReadUntilAsync(e => e.Event == "history");
        Assert.Equal(2, await stream.ReadCommentsAsync(2, TimeSpan.FromSeconds(10)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(20);
        }
    }

    /// <summary>Reads a raw HTTP/1.1 response to its end (the request said <c>Connection: close</c>) and parses its chunked body's events.</summary>
    private static async Task<List<SseEvent>> ReadRawHttpEventsAsync(Stream network)
    {
        using var all = new MemoryStream();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await network.CopyToAsync(all, cancel.Token);
        var bytes = all.ToArray();
        var at = IndexOf(bytes, "\r\n\r\n"u8, 0) + 4;
        using var body = new MemoryStream();
        while (at < bytes.Length)
        {
            var lineEnd = IndexOf(bytes, "\r\n"u8, at);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(bytes, at, lineEnd - at), 16);
            if (size == 0)
            {
                break;
            }

            body.Write(bytes, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }

        body.Position = 0;
        await using var reader = new SseReader(body);
        return await reader.ReadToEndAsync();
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> what, int from) => from + bytes.AsSpan(from).IndexOf(what);

    internal static async Task SendPrivateOkAsync(RawClient client, string to, string text, string id)
        => AssertOk(await RequestAsync(client, new { type = "send", to, text, id }, id));

    /// <summary>Every message a stream delivered (live or in history), per conversation, to check for gaps and repeats.</summary>
    private sealed class MessageLog
    {
        private readonly Dictionary<string, List<long>> _seqs = [];

        public List<string> Texts { get; } = [];

        /// <summary>Reads events, logging their messages, until a message with <paramref name="text"/> was delivered.</summary>
        public async Task ReadUntilAsync(SseReader stream, string text)
        {
            while (true)
            {
                var next = await stream.ReadAsync() ?? throw new InvalidOperationException("the stream ended before " + text);
                var messages = next.Event switch
                {
                    "message" => [next.Json],
                    "history" => next.Json["messages"]!.AsArray().Select(m => m!.AsObject()).ToList(),
                    _ => [],
                };
                foreach (var message in messages)
                {
                    var room = message.Str("room")!;
                    if (!_seqs.TryGetValue(room, out var seqs))
                    {
                        _seqs[room] = seqs = [];
                    }

                    seqs.Add(message.Seq());
                    Texts.Add(message.Str("text")!);
                }

                if (messages.Any(m => m.Str("text") == text))
                {
                    return;
                }
            }
        }

        public void AssertNoGapNoDuplicate()
        {
            foreach (var (room, seqs) in _seqs)
            {
                Assert.True(seqs.SequenceEqual(Enumerable.Range((int)seqs[0], seqs.Count).Select(i => (long)i)), $"{room}: {string.Join(',', seqs)}");
            }
        }
    }
}
