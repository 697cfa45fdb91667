using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;
using Piazza.Server.Tls;

namespace Piazza.IntegrationTests;

/// <summary>TLS on the native door and HTTPS/WSS on the HTTP door, by Kestrel, with the client library's certificate checks.</summary>
public class TlsTests
{
    private static readonly TestServerOptions DevTls = new() { DevTls = true };

    private static string Fingerprint(TestServer server) => server.Services.GetRequiredService<CertificateSource>().Fingerprint;

    private static RemoteCertificateValidationCallback Pin(string fingerprint)
        => (_, certificate, _, _) => certificate is not null && new X509Certificate2(certificate).GetCertHashString(HashAlgorithmName.SHA256) == fingerprint;

    [Fact]
    public async Task The_dev_certificate_trusted_by_ca_file_or_fingerprint_carries_the_protocol_end_to_end()
    {
        await using var server = await TestServer.StartAsync(DevTls);
        var certificateFile = Path.Combine(server.DataDirectory, DevCertificate.CertificateFile);
        Assert.True(File.Exists(certificateFile));
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.TlsEndPoint!.Port, User = "alice", Tls = true, CaFile = certificateFile, Reconnect = false });
        await using var bob = new PiazzaClient(new PiazzaClientOptions { Port = server.TlsEndPoint.Port, User = "bob", Tls = true, Fingerprint = Fingerprint(server), Reconnect = false });
        await alice.ConnectAsync();
        await bob.ConnectAsync();

        var ok = await alice.SendAsync(ProtocolConstants.Lobby, "over TLS");
        Assert.Equal(1, ok.Seq);
        var message = (await bob.NextAsync<MessageReceived>(timeout: RawClient.DefaultTimeout)).Message;
        Assert.Equal(("alice", "over TLS"), (message.From, message.Text));
        Assert.Contains(server.Hub.Sessions, s => s.Connection.Door == "tls");
    }

    [Fact]
    public async Task An_untrusted_certificate_is_refused_with_a_clear_message()
    {
        await using var server = await TestServer.StartAsync(DevTls);
        await using var trusting = new PiazzaClient(new PiazzaClientOptions { Port = server.TlsEndPoint!.Port, User = "eve", Tls = true, Reconnect = false });
        var refused = await Assert.ThrowsAsync<PiazzaException>(() => trusting.ConnectAsync());
        Assert.Equal(PiazzaFailure.TlsFailed, refused.Failure);
        Assert.Contains("not trusted", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Fingerprint(server), refused.Message, StringComparison.Ordinal);

        await using var pinned = new PiazzaClient(new PiazzaClientOptions { Port = server.TlsEndPoint.Port, User = "eve", Tls = true, Fingerprint = new string('A', 64), Reconnect = false });
        var mismatch = await Assert.ThrowsAsync<PiazzaException>(() => pinned.ConnectAsync());
        Assert.Equal(PiazzaFailure.TlsFailed, mismatch.Failure);
        Assert.Contains("does not match the pinned fingerprint", mismatch.Message, StringComparison.Ordinal);
        Assert.Empty(server.Hub.Sessions);

        // --insecure exists for tests: it connects whatever the certificate.
        await using var insecure = new PiazzaClient(new PiazzaClientOptions { Port = server.TlsEndPoint.Port, User = "tester", Tls = true, Insecure = true, Reconnect = false });
        Assert.Equal("tester", (await insecure.ConnectAsync()).User);
    }

    [Fact]
    public async Task A_plaintext_client_on_the_tls_port_is_closed_and_logged_and_the_server_carries_on()
    {
        var log = new CapturedLog();
        await using var server = await TestServer.StartLoggingAsync(log, DevTls);
        await using var plain = await RawClient.ConnectAsync(server.TlsEndPoint!.Port);
        await plain.SendRawAsync("{\"type\":\"hello\",\"user\":\"plain\"}\n");
        Assert.True(await plain.WaitForCloseAsync());
        var line = await log.WaitForAsync(l => l.StartsWith("No TLS handshake from", StringComparison.Ordinal));
        Assert.Contains("(tls)", line, StringComparison.Ordinal);

        await using var tls = await RawClient.ConnectTlsAsync(server.TlsEndPoint.Port, Pin(Fingerprint(server)));
        await RawClient.HelloAsync(tls, "after");
    }

    [Fact]
    public async Task A_client_on_the_tls_door_transfers_files_over_https_with_the_same_certificate_check()
    {
        await using var server = await TestServer.StartAsync(DevTls);
        await using var client = new PiazzaClient(new PiazzaClientOptions
        {
            Port = server.TlsEndPoint!.Port,
            User = "fay",
            Password = ProtocolSteps.Password,
            Register = true,
            Tls = true,
            Fingerprint = Fingerprint(server),
            Reconnect = false,
        });
        await client.ConnectAsync();

        // The token must not leave over plain HTTP when the chat is encrypted: the HTTPS door is used, never the HTTP one.
        Assert.Equal(new Uri($"https://127.0.0.1:{server.HttpsEndPoint!.Port}/"), client.HttpBaseAddress);
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        using var files = client.CreateFileTransfer();
        var uploaded = await files.UploadAsync(new MemoryStream(bytes), "over-tls.bin", "application/octet-stream");
        var folder = Directory.CreateTempSubdirectory("piazza-tls-download-").FullName;
        var saved = await files.DownloadAsync(uploaded.FileId, Path.Combine(folder, "copy.bin"));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(saved.Path));

        // The same account on the plain door uses the plain HTTP door.
        await using var plain = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "fay", Token = client.Token, Reconnect = false });
        await plain.ConnectAsync();
        Assert.Equal(new Uri($"http://127.0.0.1:{server.HttpEndPoint!.Port}/"), plain.HttpBaseAddress);
    }

    [Fact]
    public async Task Https_api_and_wss_work()
    {
        await using var server = await TestServer.StartAsync(DevTls);
        var pin = Pin(Fingerprint(server));
        var https = new Uri($"https://127.0.0.1:{server.HttpsEndPoint!.Port}/");
        await using var socket = await RawClient.ConnectWebSocketAsync(https, origin: null, validate: pin);
        await socket.SendAsync(new { type = "register", user = "wendy", password = ProtocolSteps.Password });
        var welcome = await socket.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.Equal("welcome", welcome.Type());

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString(HashAlgorithmName.SHA256) == Fingerprint(server) };
        using var http = new HttpClient(handler) { BaseAddress = https };
        http.DefaultRequestHeaders.Authorization = new("Bearer", welcome.Str("token"));
        using var sent = await http.PostAsJsonAsync("api/rooms/lobby/messages", new { text = "posted over https" });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var echo = await socket.ReadUntilAsync(f => f.Type() == "message");
        Assert.Equal("posted over https", echo.Str("text"));
        Assert.Contains(server.Hub.Sessions, s => s.Connection.Door == "wss");

        using var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task A_renewed_certificate_file_is_used_by_the_next_connection_without_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("piazza-certs-").FullName;
        var certificatePath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        var first = WriteSelfSigned(certificatePath, keyPath, ECCurve.NamedCurves.nistP256, "CN=first");
        await using var server = await TestServer.StartAsync(
            new TestServerOptions { TlsCert = certificatePath, TlsKey = keyPath, HttpsPort = -1, TlsReloadInterval = TimeSpan.Zero });
        string? seen = null;
        RemoteCertificateValidationCallback record = (_, certificate, _, _) =>
        {
            seen = new X509Certificate2(certificate!).GetCertHashString(HashAlgorithmName.SHA256);
            return true;
        };

        await using var before = await RawClient.ConnectTlsAsync(server.TlsEndPoint!.Port, record);
        await RawClient.HelloAsync(before, "before");
        Assert.Equal(first, seen);

        var second = WriteSelfSigned(certificatePath, keyPath, ECCurve.NamedCurves.nistP384, "CN=second");
        await using var after = await RawClient.ConnectTlsAsync(server.TlsEndPoint.Port, record);
        await RawClient.HelloAsync(after, "after");
        Assert.Equal(second, seen);
        Assert.NotEqual(first, second);

        // The connection made with the old certificate carries on.
        await before.SendAsync(new { type = "ping", id = "p" });
        Assert.Equal("pong", (await before.ReadUntilAsync(f => f.Str("re") == "p")).Type());
    }

    [Fact]
    public async Task Plain_tcp_false_leaves_no_plain_port()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var plainPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        await using var server = await TestServer.StartAsync(DevTls with { Port = plainPort, PlainTcp = false });
        Assert.Null(server.Services.GetRequiredService<Piazza.Server.DoorEndpoints>().PlainTcpEndPoint);
        using var refused = new TcpClient();
        var error = await Assert.ThrowsAsync<SocketException>(() => refused.ConnectAsync(IPAddress.Loopback, plainPort));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);

        await using var tls = await RawClient.ConnectTlsAsync(server.TlsEndPoint!.Port, Pin(Fingerprint(server)));
        await RawClient.HelloAsync(tls, "encrypted");
    }

    private static string WriteSelfSigned(string certificatePath, string keyPath, ECCurve curve, string subject)
    {
        using var key = ECDsa.Create(curve);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }
}
