using System.Net.Http.Headers;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Observability;

/// <summary>
/// One real server process and one scripted session on it, whose effects on the counters are known exactly: logins
/// good and bad, messages (one refused by the flood limit), a history read, an upload and a cancelled one. Then the
/// page is read once.
/// </summary>
public sealed class ScriptedSession : IAsyncLifetime
{
    /// <summary>Size of the uploaded file.</summary>
    public const int UploadBytes = 3000;

    private ObservedServer _server = null!;

    public MetricsPage Page { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // A burst of 3 and (almost) no refill: the fourth message is refused as rate_limited (kind messages).
        _server = await ObservedServer.StartAsync("--message-burst", "3", "--messages-per-second", "0.001");
        var port = _server.TcpPort;
        var (alice, _) = await RegisterAsync(port, "alice");                        // login ok (register)
        var (bob, _) = await RawClient.JoinAsync(port, "bob");                       // login ok (guest)
        await using (var wrong = await RawClient.ConnectAsync(port))
        {
            AssertError(await FirstAnswerAsync(wrong, new { type = "hello", user = "alice", password = "not the password" }), "auth_failed");
        }

        await using (var taken = await RawClient.ConnectAsync(port))
        {
            AssertError(await FirstAnswerAsync(taken, new { type = "hello", user = "alice" }), "name_reserved");
        }

        for (var i = 1; i <= 3; i++)
        {
            await SendOkAsync(alice, "lobby", $"message {i}", $"m{i}");              // stored, delivered to alice and bob
        }

        AssertError(await RequestAsync(alice, new { type = "send", room = "lobby", text = "one too many", id = "m4" }, "m4"), "rate_limited");
        await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "message 3"); // bob has his three deliveries
        var history = await RequestAsync(bob, new { type = "history", room = "lobby", id = "h" }, "h");
        Assert.Equal(3, Texts(history).Count);

        using var http = new HttpClient { BaseAddress = _server.HttpBase };
        var uploader = await TusTestClient.RegisterAsync(http, "carol");
        await uploader.UploadAsync(TusTestClient.RandomBytes(UploadBytes), "notes.bin");
        var cancelled = (await uploader.CreateAsync(100, "cancelled.bin", sha256Hex: null)).Headers.Location!.OriginalString;
        using (var terminate = uploader.Request(HttpMethod.Delete, cancelled))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, (await http.SendAsync(terminate)).StatusCode);
        }

        await alice.DisposeAsync();
        await bob.DisposeAsync();

        // Connections end on the server a moment after the client closes: wait for the gauge, then read once.
        Page = await ReadUntilAsync(http, page => page.Has("piazza_connections_open") && page.Value("piazza_connections_open") == 0);
    }

    /// <summary>Reads /metrics until <paramref name="done"/> holds (changes land a moment after the client sees its answer).</summary>
    public static async Task<MetricsPage> ReadUntilAsync(HttpClient http, Func<MetricsPage, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var page = await ReadAsync(http);
            if (done(page) || deadline.IsCancellationRequested)
            {
                return page;
            }

            await Task.Delay(50, CancellationToken.None); // a poll of a gauge: there is no event to wait on
        }
    }

    public static async Task<MetricsPage> ReadAsync(HttpClient http, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return new MetricsPage(await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
