using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// TLS 1.2 offered CBC suites (ECDHE-ECDSA-AES128-SHA256, ECDHE-ECDSA-AES256-SHA384 were accepted): every TLS door now
/// takes only ECDHE AEAD suites for TLS 1.2, and TLS 1.3 as before. Real handshakes from an SslStream that offers
/// exactly one suite.
/// </summary>
public sealed class TlsCipherSuiteTests
{
    public static TheoryData<string> Doors => ["https", "tls"];

    [Theory]
    [MemberData(nameof(Doors))]
    public async Task A_tls12_client_offering_only_cbc_suites_is_refused(string door)
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { DevTls = true });
        foreach (var cbc in new[] { TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA })
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(EndPointOf(server, door), SslProtocols.Tls12, cbc));
            Assert.True(refused is AuthenticationException or IOException, $"{cbc}: {refused}");
        }
    }

    [Theory]
    [MemberData(nameof(Doors))]
    public async Task Tls12_aead_suites_and_tls13_are_still_accepted(string door)
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { DevTls = true });
        foreach (var aead in new[] { TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 })
        {
            var (protocol, suite) = await HandshakeAsync(EndPointOf(server, door), SslProtocols.Tls12, aead);
            Assert.Equal((SslProtocols.Tls12, aead), (protocol, suite));
        }

        var (tls13, _) = await HandshakeAsync(EndPointOf(server, door), SslProtocols.Tls13, null);
        Assert.Equal(SslProtocols.Tls13, tls13);
    }

    private static IPEndPoint EndPointOf(TestServer server, string door) => door == "https" ? server.HttpsEndPoint! : server.TlsEndPoint!;

    /// <summary>A handshake offering <paramref name="protocol"/> and only <paramref name="suite"/> (all suites when null).</summary>
    private static async Task<(SslProtocols Protocol, TlsCipherSuite Suite)> HandshakeAsync(IPEndPoint endPoint, SslProtocols protocol, TlsCipherSuite? suite)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endPoint);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        var options = new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = protocol };
        if (suite is { } only && OperatingSystem.IsLinux())
        {
            options.CipherSuitesPolicy = new CipherSuitesPolicy([only]);
        }

        using var timeout = new CancellationTokenSource(RawClient.DefaultTimeout);
        await tls.AuthenticateAsClientAsync(options, timeout.Token);
        return (tls.SslProtocol, tls.NegotiatedCipherSuite);
    }
}
