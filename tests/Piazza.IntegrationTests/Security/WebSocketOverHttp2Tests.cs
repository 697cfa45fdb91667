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
/// The HTTPS door advertises RFC 8441 extended CONNECT, so one TLS connection carries a WebSocket per HTTP/2 stream,
/// each a full line-protocol connection with its own outbox, while the per-address limit counted the TCP connection
/// once (16 streams: 16 times the memory bound). Now every WebSocket after the first on a connection takes a place of
/// its own in the per-address limit (two tabs of one browser share one HTTP/2 connection, so both must work).
/// </summary>
public sealed class WebSocketOverHttp2Tests
{
    private static readonly TestServerOptions TwoPerAddress = new() { DevTls = true, Limits = TestLimits.Off with { MaxConnectionsPerAddress = 2 } };

    [Fact]
    public async Task Websockets_on_one_http2_connection_cannot_exceed_the_per_address_connection_limit()
    {
        var log = new CapturedLog();
        await using var server = await TestServer.StartLoggingAsync(log, TwoPerAddress);
        var httpsBase = new Uri($"https://127.0.0.1:{server.HttpsEndPoint!.Port}/");
        using var invoker = SharedHttp2Connection(server);
        var limiter = server.Services.GetRequiredService<ConnectionLimiter>();

        // 200, not 101: each WebSocket runs on a stream of the one HTTP/2 connection.
        var (first, firstStatus, _) = await RawClient.ConnectWebSocketOverHttp2Async(httpsBase, invoker);
        Assert.NotNull(first);
        await using var alice = first;
        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(1, limiter.OpenFrom(IPAddress.Loopback));
        var (second, secondStatus, _) = await RawClient.ConnectWebSocketOverHttp2Async(httpsBase, invoker);
        Assert.NotNull(second);
        await using var carol = second;
        Assert.Equal(HttpStatusCode.OK, secondStatus);
        Assert.Equal(2, limiter.OpenFrom(IPAddress.Loopback));

        // The third would be the address's third outbox: refused, with a retry hint, and logged.
        var (third, thirdStatus, retryAfter) = await RawClient.ConnectWebSocketOverHttp2Async(httpsBase, invoker);
        Assert.Null(third);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, thirdStatus);
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
        Assert.Equal(2, server.Services.GetRequiredService<WebSocketSlots>().Open);
        Assert.Equal(2, limiter.OpenFrom(IPAddress.Loopback));
        await log.WaitForAsync(l => l.Contains("Refused a connection from 127.0.0.1: too many connections", StringComparison.Ordinal));

        // Both admitted WebSockets chat normally.
        await RawClient.HelloAsync(alice, "alice");
        await RawClient.HelloAsync(carol, "carol");
        await JoinRoomAsync(alice, "lobby");
        await JoinRoomAsync(carol, "lobby");
        await SendOkAsync(alice, "lobby", "still here", "s");
        var received = await carol.ReadUntilAsync(f => f.Type() == "message");
        Assert.Equal("still here", received.Str("text"));
    }

    [Fact]
    public async Task Place_of_a_websocket_on_an_http2_connection_is_given_back_when_it_closes()
    {
        await using var server = await TestServer.StartAsync(TwoPerAddress);
        var httpsBase = new Uri($"https://127.0.0.1:{server.HttpsEndPoint!.Port}/");
        using var invoker = SharedHttp2Connection(server);
        var limiter = server.Services.GetRequiredService<ConnectionLimiter>();

        var (first, _, _) = await RawClient.ConnectWebSocketOverHttp2Async(httpsBase, invoker);
        await using var alice = first!;
        var (second, _, _) = await RawClient.ConnectWebSocketOverHttp2Async(httpsBase, invoker);
        Assert.NotNull(second);
        Assert.Equal(2, limiter.OpenFrom(IPAddress.Loopback));
        await second.DisposeAsync();
        await WaitUntilAsync(() => limiter.OpenFrom(IPAddress.Loopback) == 1);

        var (next, status, _) = await RawClient.ConnectWebSocketOverHttp2Async(httpsBase, invoker);
        Assert.NotNull(next);
        await using var bob = next;
        Assert.Equal(HttpStatusCode.OK, status);
        await RawClient.HelloAsync(bob, "bob");
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
