using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server.Doors.JsonLines;
using Piazza.Server.Limits;
using Piazza.Server.Tls;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// The HTTPS door advertises RFC 8441 extended CONNECT, so one TLS connection could carry a WebSocket per HTTP/2
/// stream, each a full line-protocol connection with its own outbox, while the per-address limit counted the TCP
/// connection once (16 streams: 16 times the memory bound). Now one HTTP connection holds one WebSocket at a time.
/// </summary>
public sealed class WebSocketOverHttp2Tests
{
    [Fact]
    public async Task Second_websocket_on_one_http2_connection_is_refused()
    {
        var log = new CapturedLog();
        await using var server = await TestServer.StartLoggingAsync(log, new TestServerOptions { DevTls = true });
        var httpsBase = new Uri($"https://127.0.0.1:{server.HttpsEndPoint!.Port}/");
        using var invoker = SharedHttp2Connection(server);

        var (first, firstStatus, _) = await RawClient.ConnectWebSocketOverHttp2Async(httpsBase, invoker);
        Assert.NotNull(first);
        await using var alice = first;

        // 200, not 101: the WebSocket runs on an HTTP/2 stream.
        Assert.Equal(HttpStatusCode.OK, firstStatus);
        var (second, secondStatus, retryAfter) = await RawClient.ConnectWebSocketOverHttp2Async(httpsBase, invoker);
        var (third, thirdStatus, _) = await RawClient.ConnectWebSocketOverHttp2Async(httpsBase, invoker);

        Assert.Null(second);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, secondStatus);
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
        Assert.Null(third);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, thirdStatus);

        // Both attempts travelled on the first socket's TCP connection, and the refusal is logged once for it.
        Assert.Equal(1, server.Services.GetRequiredService<ConnectionLimiter>().OpenFrom(IPAddress.Loopback));
        Assert.Equal(1, server.Services.GetRequiredService<WebSocketSlots>().Open);
        await log.WaitForAsync(l => l.Contains("Refused a second WebSocket", StringComparison.Ordinal));
        Assert.Single(log.Lines, l => l.Contains("Refused a second WebSocket", StringComparison.Ordinal));

        // The first WebSocket still chats normally: a native-door guest in the room reads what it sends.
        await using var bob = await server.GuestAsync("bob");
        await JoinRoomAsync(bob, "lobby");
        await RawClient.HelloAsync(alice, "alice");
        await JoinRoomAsync(alice, "lobby");
        await SendOkAsync(alice, "lobby", "still here", "s");
        var received = await bob.ReadUntilAsync(f => f.Type() == "message");
        Assert.Equal("still here", received.Str("text"));
    }

    [Fact]
    public async Task Websocket_slot_of_an_http2_connection_is_free_again_once_its_websocket_closes()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { DevTls = true });
        var httpsBase = new Uri($"https://127.0.0.1:{server.HttpsEndPoint!.Port}/");
        using var invoker = SharedHttp2Connection(server);
        var slots = server.Services.GetRequiredService<WebSocketSlots>();

        var (first, _, _) = await RawClient.ConnectWebSocketOverHttp2Async(httpsBase, invoker);
        Assert.NotNull(first);
        await first.DisposeAsync();
        await WaitUntilAsync(() => slots.Open == 0);

        var (next, status, _) = await RawClient.ConnectWebSocketOverHttp2Async(httpsBase, invoker);
        Assert.NotNull(next);
        await using var bob = next;
        Assert.Equal(HttpStatusCode.OK, status);
        await RawClient.HelloAsync(bob, "bob");
        Assert.Equal(1, server.Services.GetRequiredService<ConnectionLimiter>().OpenFrom(IPAddress.Loopback));
    }

    /// <summary>One HTTP/2 connection for every request through the invoker (no second connection is ever opened).</summary>
    private static HttpMessageInvoker SharedHttp2Connection(TestServer server)
    {
        var fingerprint = server.Services.GetRequiredService<CertificateSource>().Fingerprint;
        return new HttpMessageInvoker(new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate).GetCertHashString(HashAlgorithmName.SHA256) == fingerprint,
            },
        });
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(RawClient.DefaultTimeout);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
