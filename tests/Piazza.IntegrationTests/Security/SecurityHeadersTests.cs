using System.Net;
using System.Net.Http.Json;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// The page and the API sent no security headers (no CSP, no nosniff, no frame-ancestors, no Referrer-Policy, no HSTS):
/// every response of the HTTP and HTTPS doors now carries them; HSTS only over HTTPS; downloads keep their own CSP.
/// </summary>
public sealed class SecurityHeadersTests
{
    public static TheoryData<string> Schemes => ["http", "https"];

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task The_page_and_the_api_were_served_without_security_headers(string scheme)
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { DevTls = true });
        var port = scheme == "https" ? server.HttpsEndPoint!.Port : server.HttpEndPoint!.Port;
        using var http = Client(new Uri($"{scheme}://127.0.0.1:{port}/"));
        var register = await http.PostAsJsonAsync("/api/register", new { user = "alice", password = ProtocolSteps.Password });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);

        foreach (var (method, path) in new[] { ("GET", "/"), ("GET", "/index.html"), ("GET", "/app.js"), ("GET", "/app.css"), ("GET", "/api/rooms"), ("GET", "/api/me"), ("POST", "/api/login"), ("GET", "/no-such-page"), ("GET", "/ws") })
        {
            using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            var where = $"{method} {scheme}://…{path} ({(int)response.StatusCode})";
            var policy = Header(response, "Content-Security-Policy");
            Assert.True(policy is not null, $"{where}: no Content-Security-Policy");
            foreach (var directive in new[] { "default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "object-src 'none'" })
            {
                Assert.True(policy.Contains(directive, StringComparison.Ordinal), $"{where}: {directive} missing from {policy}");
            }

            Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
            var webSocket = scheme == "https" ? "wss" : "ws";
            Assert.Contains($"connect-src 'self' {webSocket}://127.0.0.1:{port}", policy, StringComparison.Ordinal);
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
            Assert.Equal(scheme == "https" ? "max-age=31536000" : null, Header(response, "Strict-Transport-Security"));
        }
    }

    [Fact]
    public async Task A_download_keeps_its_own_sandboxing_policy()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var alice = await TusTestClient.RegisterAsync(http, "alice");
        var fileId = await alice.UploadAsync("<script>alert(1)</script>"u8.ToArray(), "note.html");
        using var download = await alice.DownloadAsync(fileId);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("default-src 'none'; sandbox", Header(download, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(download, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(download, "Referrer-Policy"));
    }

    private static HttpClient Client(Uri address) => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    })
    { BaseAddress = address };

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null;
}
