using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// The WebSocket door compared Origin with the Host header only, so a DNS-rebinding page (its own name as Host and as
/// Origin, resolving to this server) passed. Origins are now checked against this server's public origins, over ws and
/// wss alike; the request's Host is never trusted for it.
/// </summary>
public sealed class WebSocketOriginTests
{
    public static TheoryData<bool> OverTls => [false, true];

    [Theory]
    [MemberData(nameof(OverTls))]
    public async Task A_rebinding_page_whose_host_matches_its_origin_is_refused_and_logged(bool tls)
    {
        var log = new CapturedLog();
        await using var server = await TestServer.StartLoggingAsync(log, new TestServerOptions { DevTls = true });
        var port = Port(server, tls);
        var scheme = tls ? "https" : "http";

        var status = await UpgradeAsync(port, tls, host: $"rebind.example:{port}", origin: $"{scheme}://rebind.example:{port}");

        Assert.Equal(403, status);
        var line = await log.WaitForAsync(l => l.Contains("Refused a WebSocket", StringComparison.Ordinal));
        Assert.Contains($"origin {scheme}://rebind.example:{port}", line, StringComparison.Ordinal);
        Assert.Contains($"Host rebind.example:{port}", line, StringComparison.Ordinal);
        Assert.Empty(server.Hub.Sessions);
    }

    [Theory]
    [MemberData(nameof(OverTls))]
    public async Task The_localhost_names_with_the_actual_port_are_this_servers_origins_and_near_misses_are_not(bool tls)
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { DevTls = true, PublicOrigins = ["https://chat.example.org"] });
        var port = Port(server, tls);
        var scheme = tls ? "https" : "http";
        var other = tls ? "http" : "https";
        var otherPort = Port(server, !tls);
        foreach (var origin in new[] { $"{scheme}://localhost:{port}", $"{scheme}://127.0.0.1:{port}", $"{scheme}://[::1]:{port}", $"{scheme}://LOCALHOST:{port}/", "https://chat.example.org", "https://chat.example.org:443" })
        {
            Assert.True(101 == await UpgradeAsync(port, tls, $"127.0.0.1:{port}", origin), $"{origin} was refused");
        }

        // The other door's origin is also this server's (a page over https may be served by the other listener).
        Assert.Equal(101, await UpgradeAsync(port, tls, $"127.0.0.1:{port}", $"{other}://127.0.0.1:{otherPort}"));
        foreach (var origin in new[] { $"{other}://127.0.0.1:{port}", $"{scheme}://127.0.0.1:{port + 1}", $"{scheme}://127.0.0.2:{port}", "http://chat.example.org", "https://chat.example.org.evil.example", "null", $"{scheme}://127.0.0.1:{port}/path", "" })
        {
            Assert.True(403 == await UpgradeAsync(port, tls, $"127.0.0.1:{port}", origin), $"{origin} was accepted");
        }

        // Not a browser (no Origin at all): the native protocol's clients and tools, as before.
        Assert.Equal(101, await UpgradeAsync(port, tls, $"127.0.0.1:{port}", origin: null));
    }

    private static int Port(TestServer server, bool tls) => tls ? server.HttpsEndPoint!.Port : server.HttpEndPoint!.Port;

    /// <summary>A hand-written upgrade request (Host and Origin exactly as given); returns the response's status.</summary>
    private static async Task<int> UpgradeAsync(int port, bool tls, string host, string? origin)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        Stream stream = tcp.GetStream();
        if (tls)
        {
            var secure = new SslStream(stream, false, (_, _, _, _) => true);
            await secure.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
            stream = secure;
        }

        await using var _ = stream;
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var originLine = origin is null ? "" : $"Origin: {origin}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: {host}\r\n{originLine}Upgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        var head = new StringBuilder();
        using var timeout = new CancellationTokenSource(RawClient.DefaultTimeout);
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, timeout.Token) == 1)
        {
            head.Append((char)one[0]);
        }

        return int.Parse(head.ToString().Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
