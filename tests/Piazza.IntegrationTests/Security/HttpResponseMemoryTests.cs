using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server.Doors.Http;
using Piazza.Server.Tls;
using Xunit.Abstractions;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Security;

/// <summary>These tests measure this process's managed heap, so nothing else may run beside them.</summary>
[CollectionDefinition(nameof(HeapMeasuringCollection), DisableParallelization = true)]
public sealed class HeapMeasuringCollection;

/// <summary>
/// Issue 11, "slow HTTP/2 readers hold whole history pages": over HTTPS, many HTTP/2 streams of
/// <c>GET …/messages?limit=500</c> on a room of long messages, each with a small window and never read, held ~4 MB
/// each (a whole page) for as long as the client stayed. Now an HTTP/2 connection has at most 16 streams, a history
/// answer holds one 16-message page while its client does not read, and one connection has at most 4 in progress.
/// </summary>
[Collection(nameof(HeapMeasuringCollection))]
public sealed class HttpResponseMemoryTests(ITestOutputHelper output)
{
    private const int LongMessageChars = 4000;
    private const int RoomMessages = 500;

    private static readonly TestServerOptions DevTls = new() { DevTls = true };

    [Fact]
    public async Task Slow_http2_readers_of_long_history_pages_cannot_make_the_server_hold_the_pages()
    {
        await using var server = await TestServer.StartAsync(DevTls);
        var token = await SeedLongMessagesAsync(server, "lobby");
        var slots = server.Services.GetRequiredService<HistoryReadSlots>();
        using (var warm = Http2Client(server, token))
        {
            // One full read first, so what the code paths allocate once (JIT, pools) is in the baseline.
            var page = JsonNode.Parse(await warm.GetStringAsync($"api/rooms/lobby/messages?limit={RoomMessages}"))!;
            Assert.Equal(RoomMessages, page["messages"]!.AsArray().Count);
        }

        var baseline = ManagedHeap();

        // Two connections, 24 streams each, response headers awaited and bodies never read.
        const int StreamsPerConnection = 24;
        var clients = new[] { Http2Client(server, token), Http2Client(server, token) };
        var responses = await Task.WhenAll(clients.SelectMany(c => Enumerable.Range(0, StreamsPerConnection).Select(_ =>
            c.GetAsync($"api/rooms/lobby/messages?limit={RoomMessages}", HttpCompletionOption.ResponseHeadersRead)))).WaitAsync(RawClient.DefaultTimeout);

        // The old code held a whole page (~4 MB of text) per stream: 48 streams, ~190 MB. Now one page per answer.
        var held = ManagedHeap() - baseline;
        output.WriteLine($"held with 8 stalled answers and 40 refusals: {held / 1024} KiB");
        Assert.True(held < 32 * 1024 * 1024, $"the server held {held / 1024 / 1024} MiB for 8 stalled history answers");

        // Per connection, 4 answers in progress; every stream beyond them is refused at once with a retry hint.
        Assert.All(responses, r => Assert.Equal(HttpVersion.Version20, r.Version));
        Assert.Equal(2 * slots.MaxPerConnection, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.Equal((2 * StreamsPerConnection) - (2 * slots.MaxPerConnection), refused.Count);
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.All(refused, r => Assert.Equal(TimeSpan.FromSeconds(1), r.Headers.RetryAfter?.Delta));
        Assert.Equal("rate_limited", JsonNode.Parse(await refused[0].Content.ReadAsStringAsync())!["code"]!.GetValue<string>());
        Assert.Equal(2 * slots.MaxPerConnection, slots.InProgress);

        // The client leaves without reading: every answer ends, its slot and its page are released.
        foreach (var response in responses)
        {
            response.Dispose();
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }

        await WaitUntilAsync(() => slots.InProgress == 0);
        var after = ManagedHeap() - baseline;
        output.WriteLine($"held after the client left: {after / 1024} KiB");
        Assert.True(after < 8 * 1024 * 1024, $"{after / 1024 / 1024} MiB still held after the client left");
    }

    [Fact]
    public async Task An_https_connection_offers_at_most_16_concurrent_http2_streams()
    {
        await using var server = await TestServer.StartAsync(DevTls);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.HttpsEndPoint!.Port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            RemoteCertificateValidationCallback = Pin(server),
        });
        Assert.Equal(SslApplicationProtocol.Http2, tls.NegotiatedApplicationProtocol);

        // The connection preface and an empty SETTINGS frame; the server's first frame is its SETTINGS.
        await tls.WriteAsync(Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        await tls.WriteAsync(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 });
        var header = new byte[9];
        await tls.ReadExactlyAsync(header);
        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        Assert.Equal(4, header[3]);
        var settings = new byte[length];
        await tls.ReadExactlyAsync(settings);
        var offered = new Dictionary<int, uint>();
        for (var i = 0; i + 6 <= length; i += 6)
        {
            offered[BinaryPrimitives.ReadUInt16BigEndian(settings.AsSpan(i))] = BinaryPrimitives.ReadUInt32BigEndian(settings.AsSpan(i + 2));
        }

        const int MaxConcurrentStreams = 3;
        Assert.Equal(16u, offered[MaxConcurrentStreams]);
    }

    [Theory]
    [InlineData("limit=500")]
    [InlineData("limit=1")]
    [InlineData("limit=17")]
    [InlineData("limit=33&before=40")]
    [InlineData("limit=16&before=17")]
    [InlineData("limit=50&before=1")]
    [InlineData("limit=20&after=0")]
    [InlineData("limit=40&after=45")]
    [InlineData("limit=500&after=49")]
    [InlineData("after=50")]
    [InlineData("before=30")]
    public async Task History_written_in_pages_is_the_same_json_as_the_protocols_history_frame(string query)
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        for (var i = 1; i <= 50; i++)
        {
            await SendOkAsync(alice, "lobby", $"message {i} \"quoted\" <b>é</b> ✓", $"m{i}");
        }

        using var http = server.CreateHttpClient(alice.Welcome!.Str("token"));
        using var response = await http.GetAsync($"api/rooms/lobby/messages?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("{\"room\":\"lobby\",\"messages\":[", text, StringComparison.Ordinal);
        var rest = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(rest.ContainsKey("next") ? ["room", "messages", "next"] : ["room", "messages"], rest.Select(p => p.Key)); // "next": the next page's address

        var frame = new JsonObject { ["type"] = "history", ["room"] = "lobby", ["id"] = "h" };
        foreach (var part in query.Split('&'))
        {
            var pair = part.Split('=');
            frame[pair[0]] = long.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture);
        }

        var history = await RequestAsync(alice, frame, "h");
        Assert.Equal("history", history.Type());
        Assert.True(JsonNode.DeepEquals(history["messages"], rest["messages"]), $"REST {rest["messages"]!.AsArray().Count} messages, protocol {history["messages"]!.AsArray().Count}");
    }

    /// <summary>Registers a user and sends <see cref="RoomMessages"/> messages of <see cref="LongMessageChars"/> characters; returns its token.</summary>
    private static async Task<string> SeedLongMessagesAsync(TestServer server, string room)
    {
        await using var writer = await server.RegisterAsync("writer");
        for (var batch = 0; batch < RoomMessages; batch += 50)
        {
            for (var i = batch; i < batch + 50; i++)
            {
                var text = string.Create(LongMessageChars, i, (span, n) =>
                {
                    RandomNumberGenerator.GetItems("abcdefghijklmnopqrstuvwxyz ", span);
                    n.TryFormat(span, out _, default, System.Globalization.CultureInfo.InvariantCulture);
                });
                await writer.SendAsync(new { type = "send", room, text, id = $"m{i}" });
            }

            AssertOk(await writer.ReadUntilAsync(f => f.Str("re") == $"m{batch + 49}" && f.Type() is "ok" or "error"));
        }

        return writer.Welcome!.Str("token")!;
    }

    /// <summary>HTTP/2 only, over HTTPS, with the smallest receive window the handler allows (64 KiB), one connection.</summary>
    private static HttpClient Http2Client(TestServer server, string token)
    {
        var handler = new SocketsHttpHandler
        {
            InitialHttp2StreamWindowSize = 65535,
            EnableMultipleHttp2Connections = false,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Pin(server) },
        };
        var client = new HttpClient(handler)
        {
            BaseAddress = new Uri($"https://127.0.0.1:{server.HttpsEndPoint!.Port}/"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = RawClient.DefaultTimeout,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static RemoteCertificateValidationCallback Pin(TestServer server)
    {
        var fingerprint = server.Services.GetRequiredService<CertificateSource>().Fingerprint;
        return (_, certificate, _, _) => certificate is not null && new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate).GetCertHashString(HashAlgorithmName.SHA256) == fingerprint;
    }

    /// <summary>
    /// Live managed bytes after full, compacting collections (so freed pages do not count): one, the finalizers, one
    /// more for what they released. Not GetTotalMemory(true), which collects up to 20 times more: late in the suite the
    /// heap is large and that took most of this test's 20 s.
    /// </summary>
    private static long ManagedHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < RawClient.DefaultTimeout, "timed out waiting for the history answers to end");
            await Task.Delay(20);
        }
    }
}
