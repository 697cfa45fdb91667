using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// Issue 11, "bounded memory on every path", on the line doors: what the server chooses to send (a <c>history</c>
/// answer, the catch-up of a <c>resume</c>) never overflows the outbox of a client that reads, so asking for history or
/// coming back after a long absence never gets it dropped as <c>slow_consumer</c>. One suite over both line doors.
/// </summary>
public abstract class LineHistoryBoundsTests
{
    /// <summary>The longest message text: estimated at 3 bytes per character, about 12 KB in an outbox.</summary>
    internal const int LongMessageChars = 4000;

    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    [Fact]
    public async Task History_of_500_long_messages_does_not_drop_a_reading_client_as_slow_consumer()
    {
        // The default 4 MiB outbox; the whole window is estimated at ~6.1 MB, so it used to be one frame too big to queue.
        await using var server = await TestServer.StartAsync();
        await SeedLongMessagesAsync(server, 500);
        await using var reader = (await RawClient.HelloAsync(await ConnectAsync(server), "reader")).Client;

        // Latest first: the answer is cut by size, keeps the messages nearest the anchor, and says more follow.
        var latest = await RequestAsync(reader, new { type = "history", room = "lobby", limit = 500, id = "h0" }, "h0");
        Assert.Equal("history", latest.Type());
        Assert.True(latest["more"]?.GetValue<bool>(), $"{Seqs(latest).Count} messages, more: {latest["more"]}");
        var seqs = Seqs(latest);
        Assert.Equal(500, seqs[^1]);
        Assert.InRange(seqs.Count, 2, 499);

        // Paging back with "before" reaches every message exactly once; the last page carries no "more".
        var all = new List<long>(seqs);
        for (var page = 1; latest["more"] is not null; page++)
        {
            latest = await RequestAsync(reader, new { type = "history", room = "lobby", before = all[0], limit = 500 - all.Count, id = $"h{page}" }, $"h{page}");
            Assert.Equal("history", latest.Type());
            all.InsertRange(0, Seqs(latest));
        }

        Assert.Equal(Enumerable.Range(1, 500).Select(n => (long)n), all);

        // "after" keeps the oldest after its anchor.
        var forward = await RequestAsync(reader, new { type = "history", room = "lobby", after = 0, limit = 500, id = "f" }, "f");
        Assert.True(forward["more"]?.GetValue<bool>());
        Assert.Equal(Enumerable.Range(1, Seqs(forward).Count).Select(n => (long)n), Seqs(forward));

        Assert.Equal("pong", (await RequestAsync(reader, new { type = "ping", id = "p" }, "p")).Type());
    }

    [Fact]
    public async Task Resume_after_more_messages_than_the_outbox_holds_does_not_drop_a_reading_client()
    {
        // 250 messages (all still in the conversation's in-memory ring) are ~3 MB estimated; the outbox holds 256 KiB.
        await using var server = await TestServer.StartAsync(new TestServerOptions { OutboxMaxBytes = 256 * 1024 });
        await using (await server.RegisterAsync("reader"))
        {
        }

        await SeedLongMessagesAsync(server, 250);
        await using var reader = await ConnectAsync(server);
        await reader.SendAsync(new { type = "hello", user = "reader", password = Password, resume = new Dictionary<string, long> { ["lobby"] = 0 } });
        Assert.Equal("welcome", (await reader.ReadUntilAsync(f => f.Type() is "welcome" or "error")).Type());

        var received = new List<long>();
        while (received.Count < 250)
        {
            var frame = await reader.ReadUntilAsync(f => f.Type() is "history" or "message" or "error");
            Assert.NotEqual("error", frame.Type());
            received.AddRange(frame.Type() == "history" ? Seqs(frame) : [frame["seq"]!.GetValue<long>()]);
        }

        Assert.Equal(Enumerable.Range(1, 250).Select(n => (long)n), received);
        Assert.Equal("pong", (await RequestAsync(reader, new { type = "ping", id = "p" }, "p")).Type());
    }

    /// <summary>Registers a writer and sends <paramref name="count"/> messages of <see cref="LongMessageChars"/> to the lobby.</summary>
    internal static async Task SeedLongMessagesAsync(TestServer server, int count)
    {
        await using var writer = await server.RegisterAsync("writer");
        for (var batch = 0; batch < count; batch += 10)
        {
            var end = Math.Min(batch + 10, count);
            for (var i = batch; i < end; i++)
            {
                await writer.SendAsync(new { type = "send", room = "lobby", text = LongText(i), id = $"m{i}" });
            }

            AssertOk(await writer.ReadUntilAsync(f => f.Str("re") == $"m{end - 1}" && f.Type() is "ok" or "error"));
        }
    }

    internal static string LongText(int n) => string.Create(LongMessageChars, n, (span, i) =>
    {
        RandomNumberGenerator.GetItems("abcdefghijklmnopqrstuvwxyz ", span);
        i.TryFormat(span, out _, default, System.Globalization.CultureInfo.InvariantCulture);
    });

    private static List<long> Seqs(JsonObject history) => [.. history["messages"]!.AsArray().Select(m => m!["seq"]!.GetValue<long>())];
}

public sealed class NativeTcpLineHistoryBoundsTests : LineHistoryBoundsTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

public sealed class WebSocketLineHistoryBoundsTests : LineHistoryBoundsTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}

/// <summary>The client library over the same bounds: it pages what the server caps and resumes without being dropped.</summary>
public sealed class ClientLibraryHistoryBoundsTests
{
    [Fact]
    public async Task HistoryAsync_of_500_long_messages_returns_the_whole_window_although_the_server_caps_each_answer()
    {
        await using var server = await TestServer.StartAsync();
        await LineHistoryBoundsTests.SeedLongMessagesAsync(server, 500);
        await using var client = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "reader" });
        await client.ConnectAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Every answer is cut to fit (about 10 of these messages each); the library asks for the rest of the window.
        Assert.Equal(Enumerable.Range(1, 500).Select(n => (long)n), (await client.HistoryAsync("lobby", limit: 500, cancellationToken: cts.Token)).Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(101, 300).Select(n => (long)n), (await client.HistoryAsync("lobby", after: 100, limit: 300, cancellationToken: cts.Token)).Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(51, 400).Select(n => (long)n), (await client.HistoryAsync("lobby", before: 451, limit: 400, cancellationToken: cts.Token)).Select(m => m.Seq));
        Assert.Equal(ConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task Client_resuming_after_more_messages_than_the_outbox_holds_gets_every_message_in_order_without_being_dropped()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { OutboxMaxBytes = 256 * 1024 });
        await using var proxy = new CuttingProxy(server.EndPoint);
        await using var reader = new PiazzaClient(new PiazzaClientOptions
        {
            Port = proxy.Port,
            User = "reader",
            Password = Password,
            Register = true,
            InitialBackoff = TimeSpan.FromSeconds(2),
            MaxBackoff = TimeSpan.FromSeconds(2),
        });
        await reader.ConnectAsync();
        await using var writer = await server.RegisterAsync("writer");
        await SendOkAsync(writer, "lobby", "before", "b");
        Assert.Equal(1, (await reader.NextAsync<MessageReceived>()).Message.Seq);

        // The next bytes to the reader cut its connection; while it waits to reconnect, 250 long messages (~3 MB
        // estimated, all in the conversation's in-memory ring) arrive: its resume brings far more than its outbox holds.
        proxy.CutAfterDownstreamBytes(1);
        await SendOkAsync(writer, "lobby", "cut", "c");
        await reader.StateAsync(ConnectionState.Reconnecting);
        for (var batch = 0; batch < 250; batch += 10)
        {
            for (var i = batch; i < batch + 10; i++)
            {
                await writer.SendAsync(new { type = "send", room = "lobby", text = LineHistoryBoundsTests.LongText(i), id = $"m{i}" });
            }

            AssertOk(await writer.ReadUntilAsync(f => f.Str("re") == $"m{batch + 9}" && f.Type() is "ok" or "error"));
        }

        var seqs = new List<long>();
        var reconnects = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (seqs.Count < 251)
        {
            switch (await reader.Events.ReadAsync(cts.Token))
            {
                case MessageReceived m:
                    seqs.Add(m.Message.Seq);
                    break;
                case ConnectionStateChanged { State: ConnectionState.Reconnecting }:
                    reconnects++;
                    break;
            }
        }

        Assert.Equal(Enumerable.Range(2, 251).Select(n => (long)n), seqs);
        Assert.Equal(0, reconnects); // one reconnect (awaited above), never dropped again
        Assert.Equal(1, proxy.Cuts);
        Assert.Equal(ConnectionState.Connected, reader.State);
    }
}
