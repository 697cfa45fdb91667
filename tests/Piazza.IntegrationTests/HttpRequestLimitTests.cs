using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server;
using Piazza.Server.Limits;
using Piazza.Server.Options;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>
/// Limits that fit HTTP (docs/http-api.md, "Request limits"): a bot making one request per connection meets the
/// request rate (429 JSON + Retry-After), never the long-lived connection limits (a bare 503 after ~36 requests
/// before); those still guard native, WebSocket and event-stream connections.
/// </summary>
public sealed class HttpRequestLimitTests
{
    [Fact]
    public async Task Two_hundred_one_request_per_connection_rest_sends_from_one_address_all_succeed_under_the_connection_limits()
    {
        // Production connection limits (10 new per second, 30 at once, 100 open); the request rate is what applies.
        var limits = TestLimits.Production with { AccountMessagesPerSecond = 0, MessagesPerSecond = 0, HttpRequestRate = 1000, HttpRequestBurst = 1000 };
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = limits });
        var token = await RegisterTokenAsync(server, "curlbot");

        for (var i = 0; i < 200; i++)
        {
            // A new client and connection per request, closed after it, as `curl` does.
            using var http = server.CreateHttpClient(token);
            http.DefaultRequestHeaders.ConnectionClose = true;
            using var response = await http.PostAsJsonAsync("/api/rooms/lobby/messages", new { text = $"message {i}" });
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"send {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var stored = await server.Services.GetRequiredService<Piazza.Core.Storage.IChatStore>().ReadAfterAsync("lobby", 0, 500);
        Assert.Equal(200, stored.Count(m => m.From == "curlbot"));
    }

    [Fact]
    public async Task A_flood_beyond_the_request_rate_gets_429_json_with_retry_after_and_goes_through_after_the_wait()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { HttpRequestRate = 2, HttpRequestBurst = 5 } });
        var token = await RegisterTokenAsync(server, "flooder");
        using var http = server.CreateHttpClient(token);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/me")).StatusCode);
        }

        using var refused = await http.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("rate_limited", body["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["message"]!.GetValue<string>()));
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter); // half a second at 2 per second, rounded up to whole seconds
        Assert.Equal(1, body["retryAfter"]!.GetValue<double>());

        // The page and its files are not counted.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);

        await Task.Delay(retryAfter!.Value);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task The_bucket_refills_on_the_servers_clock_and_the_refusal_says_how_long_to_wait()
    {
        var time = new FakeTimeProvider();
        var limiter = HttpRequestLimiter.Create(new HttpLimitOptions { RequestRate = 0.5, RequestBurst = 2, AddressRequestRate = 0 }, time);
        var request = Request("127.0.0.1", "secret-token");

        Assert.True(limiter.AttemptAcquire(request).IsAcquired);
        Assert.True(limiter.AttemptAcquire(request).IsAcquired);
        using var refused = limiter.AttemptAcquire(request);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(2), wait);

        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(limiter.AttemptAcquire(request).IsAcquired);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(limiter.AttemptAcquire(request).IsAcquired);

        // Outside /api nothing is counted.
        var page = Request("127.0.0.1", "secret-token", "/app.js");
        for (var i = 0; i < 10; i++)
        {
            Assert.True(limiter.AttemptAcquire(page).IsAcquired);
        }
    }

    [Fact]
    public async Task One_token_pays_the_same_from_two_addresses_while_another_token_at_the_same_address_is_not_starved()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { HttpRequestRate = 0.01, HttpRequestBurst = 4 } });
        var token = await RegisterTokenAsync(server, "roamer");
        var neighbour = await RegisterTokenAsync(server, "neighbour");
        using var first = Client(server, LoopbackSource.Address(1), token);
        using var second = Client(server, LoopbackSource.Address(2), token);

        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await second.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await first.GetAsync("/api/me")).StatusCode);

        // Someone else behind the same address (a NAT) has a bucket of their own.
        using var other = Client(server, LoopbackSource.Address(2), neighbour);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task The_address_ceiling_holds_whatever_tokens_a_client_makes_up()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { HttpAddressRequestRate = 0.01, HttpAddressRequestBurst = 3 } });
        using var http = server.CreateHttpClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Authorized(http, $"made-up-{i}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await Authorized(http, "made-up-again")).StatusCode);
    }

    [Fact]
    public async Task Websockets_still_meet_the_long_lived_limits_with_a_json_503_while_rest_and_the_page_answer()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { MaxConnectionsPerAddress = 2 } });
        await using var tcp = (await RawClient.JoinAsync(server.Port, "native")).Client;
        await using var ws = await RawClient.ConnectWebSocketAsync(server.HttpBase);
        Assert.Equal(2, server.Services.GetRequiredService<ConnectionLimiter>().OpenFrom(IPAddress.Loopback));

        var refused = await RawHttpAsync(server, "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 503", refused, StringComparison.Ordinal);
        Assert.Contains("Retry-After: 1", refused, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"code\":\"too_many_connections\"", refused, StringComparison.Ordinal);

        // Short requests do not take places of the long-lived budget, and are not refused by it.
        using var http = server.CreateHttpClient();
        for (var i = 0; i < 20; i++)
        {
            http.DefaultRequestHeaders.ConnectionClose = true;
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        }

        await ws.DisposeAsync();
        await WaitUntilAsync(() => server.Services.GetRequiredService<ConnectionLimiter>().OpenFrom(IPAddress.Loopback) == 1);
        await using var again = await RawClient.ConnectWebSocketAsync(server.HttpBase);
        await RawClient.HelloAsync(again, "back");
    }

    [Fact]
    public async Task The_http_connection_cap_answers_json_503_with_retry_after_never_plain_text()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { MaxHttpConnectionsPerAddress = 2 } });
        using var idle1 = await OpenAsync(server);
        using var idle2 = await OpenAsync(server);
        await WaitUntilAsync(() => server.Services.GetRequiredService<ConnectionLimiter>().HttpOpenFrom(IPAddress.Loopback) == 2);

        var refused = await RawHttpAsync(server, "GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 503", refused, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/json", refused, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Retry-After: 1", refused, StringComparison.OrdinalIgnoreCase);
        var body = JsonNode.Parse(refused[(refused.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..])!;
        Assert.Equal("too_many_connections", body["code"]!.GetValue<string>());
        Assert.Equal(1, body["retryAfter"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("HttpRequestRate", "-1", "--http-request-rate")]
    [InlineData("HttpRequestBurst", "0", "--http-request-burst")]
    [InlineData("HttpAddressRequestRate", "fast", "--http-address-request-rate")]
    [InlineData("MaxHttpConnectionsPerAddress", "-2", "--max-http-connections-per-address")]
    public void A_bad_http_limit_stops_the_start_with_one_line_naming_it(string key, string value, string flag)
    {
        var data = Path.Combine(Path.GetTempPath(), "piazza-test-" + Guid.NewGuid().ToString("N"));
        var error = Assert.ThrowsAny<Exception>(() => PiazzaHost.Build(new Dictionary<string, string?> { ["Piazza:" + key] = value, ["Piazza:Data"] = data }));
        var message = error is OptionsValidationException invalid ? Assert.Single(invalid.Failures) : error.Message;
        Assert.Contains(flag, message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    private static async Task<string> RegisterTokenAsync(TestServer server, string user)
    {
        using var http = server.CreateHttpClient();
        using var response = await http.PostAsJsonAsync("/api/register", new { user, password = Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
    }

    private static HttpClient Client(TestServer server, IPAddress from, string token)
    {
        var http = new HttpClient(LoopbackSource.Handler(from)) { BaseAddress = server.HttpBase };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static Task<HttpResponseMessage> Authorized(HttpClient http, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }

    private static DefaultHttpContext Request(string address, string token, string path = "/api/me")
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.Headers.Authorization = "Bearer " + token;
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        return context;
    }

    private static async Task<TcpClient> OpenAsync(TestServer server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.HttpEndPoint!.Port);
        return tcp;
    }

    /// <summary>Writes one raw request on a new connection and reads the whole answer (to the close, its length, or its last chunk).</summary>
    private static async Task<string> RawHttpAsync(TestServer server, string request)
    {
        using var tcp = await OpenAsync(server);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var timeout = new CancellationTokenSource(RawClient.DefaultTimeout);
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
            var text = answer.ToString();
            if (text.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) && text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
            {
                break;
            }

            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0 && System.Text.RegularExpressions.Regex.Match(text, @"Content-Length: (\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase) is { Success: true } length
                && Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            {
                break;
            }
        }

        return answer.ToString();
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
