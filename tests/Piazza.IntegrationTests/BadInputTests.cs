using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>
/// The bad-input suite's specific cases, each against a real server while a well-behaved client is connected: an
/// oversize line, deep JSON, invalid UTF-8, look-alike and spoofing names, refused text, and the same through the
/// HTTP API. Each meets its limit with its error code, and the well-behaved client is unaffected.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private RawClient _watcher = null!;
    private RawClient _sender = null!;
    private int _checks;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        (_watcher, _) = await RawClient.JoinAsync(_server.Port, "watcher");
        (_sender, _) = await RawClient.JoinAsync(_server.Port, "sender");
    }

    public async Task DisposeAsync()
    {
        await _watcher.DisposeAsync();
        await _sender.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>The well-behaved pair still works: a message from the sender reaches the watcher, and nobody left.</summary>
    private async Task AssertWellBehavedClientUnaffectedAsync()
    {
        var text = $"still here {++_checks}";
        await SendOkAsync(_sender, "lobby", text, "w" + _checks);
        var skipped = new List<JsonObject>();
        var message = await _watcher.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "sender", skipped: skipped);
        Assert.Equal(text, message.Str("text"));
        Assert.DoesNotContain(skipped, f => f.Type() == "error" || (f.Type() == "left" && f.Str("user") is "watcher" or "sender"));
    }

    private async Task<JsonObject> ErrorForAsync(RawClient client, byte[] line)
    {
        await client.SendRawAsync(line);
        return await client.ReadUntilAsync(f => f.Type() == "error");
    }

    [Fact]
    public async Task An_oversize_line_is_too_large_and_the_connection_stays_usable()
    {
        await using var hostile = await _server.GuestAsync("mallory");
        var huge = Encoding.UTF8.GetBytes("{\"type\":\"send\",\"text\":\"" + new string('x', 200_000) + "\"}\n");
        var error = await ErrorForAsync(hostile, huge);
        AssertError(error, "too_large");

        AssertOk(await RequestAsync(hostile, new { type = "send", room = "lobby", text = "after the big one", id = "a" }, "a"));
        await AssertWellBehavedClientUnaffectedAsync();
    }

    [Fact]
    public async Task Deeply_nested_json_is_bad_frame()
    {
        var hostile = await RawClient.ConnectAsync(_server.Port);
        await using var _ = hostile;
        var deep = "{\"type\":\"hello\",\"user\":" + new string('[', 5_000) + new string(']', 5_000) + "}\n";
        var error = await ErrorForAsync(hostile, Encoding.UTF8.GetBytes(deep));
        AssertError(error, "bad_frame");
        Assert.Contains("deeper", error.Str("message"), StringComparison.Ordinal);
        await AssertWellBehavedClientUnaffectedAsync();
    }

    [Fact]
    public async Task Invalid_utf8_and_escaped_lone_surrogates_are_bad_frame_and_nothing_is_stored()
    {
        await using var hostile = await _server.GuestAsync("mallory");
        byte[] invalid = [.. "{\"type\":\"send\",\"text\":\"caf"u8, 0xC3, 0x28, .. "\",\"id\":\"u\"}\n"u8];
        var error = await ErrorForAsync(hostile, invalid);
        AssertError(error, "bad_frame");
        Assert.Contains("UTF-8", error.Str("message"), StringComparison.Ordinal);

        error = await ErrorForAsync(hostile, "{\"type\":\"send\",\"text\":\"x\\ud800y\",\"id\":\"s\"}\n"u8.ToArray());
        AssertError(error, "bad_frame");

        await AssertWellBehavedClientUnaffectedAsync();
        var history = await RequestAsync(_watcher, new { type = "history", room = "lobby", id = "h" }, "h");
        Assert.DoesNotContain(Texts(history), t => t.Contains('\uFFFD', StringComparison.Ordinal) || t.StartsWith("caf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Look_alike_and_spoofing_names_are_refused_with_their_codes()
    {
        (await RegisterAsync(_server.Port, "PayPal")).Client.Abort();
        await using var online = await _server.GuestAsync("scott");

        async Task<JsonObject> HelloAsync(object frame)
        {
            await using var client = await RawClient.ConnectAsync(_server.Port);
            return await FirstAnswerAsync(client, frame);
        }

        AssertError(await HelloAsync(new { type = "hello", user = "PAYPA1" }), "name_confusable"); // like an account
        AssertError(await HelloAsync(new { type = "hello", user = "ѕсотт" }), "name_confusable"); // all Cyrillic, like an online guest
        AssertError(await HelloAsync(new { type = "hello", user = "sc0tt" }), "name_confusable");
        AssertError(await HelloAsync(new { type = "register", user = "paypa1", password = Password }), "name_confusable");
        AssertError(await HelloAsync(new { type = "hello", user = "pаypal" }), "bad_name"); // Latin with a Cyrillic а
        AssertError(await HelloAsync(new { type = "hello", user = "adm1n" }), "bad_name"); // like a reserved name
        AssertError(await HelloAsync(new { type = "hello", user = "bob\u202Egnp" }), "bad_name");
        AssertError(await HelloAsync(new { type = "hello", user = "b\u200Bob" }), "bad_name");
        AssertError(await HelloAsync(new { type = "hello", user = "bob\u0007" }), "bad_name");

        // The account itself still logs in (by any case), and a name in NFD is the same name.
        var login = await _server.LoginAsync("paypal");
        var welcome = login.Welcome;
        Assert.Equal("PayPal", welcome.Str("user"));
        login.Abort();
        await using var zoe = await _server.GuestAsync("Zoe\u0308");
        var zoeWelcome = zoe.Welcome;
        Assert.Equal("Zoë", zoeWelcome.Str("user"));

        // Rooms: a look-alike of an existing room, a mixed-script name, and an NFD name that finds the NFC room.
        AssertError(await RequestAsync(online, new { type = "join", room = "L0BBY", id = "j1" }, "j1"), "name_confusable");
        AssertError(await RequestAsync(online, new { type = "join", room = "lоbby2", id = "j2" }, "j2"), "bad_request");
        AssertOk(await RequestAsync(online, new { type = "join", room = "café", id = "j3" }, "j3"));
        var again = await RequestAsync(zoe, new { type = "join", room = "cafe\u0301", id = "j4" }, "j4");
        AssertOk(again);
        Assert.Equal("café", again.Str("room"));

        await AssertWellBehavedClientUnaffectedAsync();
    }

    [Fact]
    public async Task Control_characters_in_text_are_bad_text_while_rtl_and_emoji_text_is_delivered_intact()
    {
        await using var hostile = await _server.GuestAsync("mallory");
        AssertError(await RequestAsync(hostile, new { type = "send", room = "lobby", text = "ding\u0007", id = "c1" }, "c1"), "bad_text");
        AssertError(await RequestAsync(hostile, new { type = "send", room = "lobby", text = "\u001B[2Jcleared", id = "c2" }, "c2"), "bad_text");
        AssertError(await RequestAsync(hostile, new { type = "send", room = "lobby", text = "a\r\nb", id = "c3" }, "c3"), "bad_text");

        var rtl = "שלום \u2067مرحبا\u2069 👨\u200D👩\u200D👧\nsecond line\twith a tab";
        await SendOkAsync(_sender, "lobby", rtl, "rtl");
        var message = await _watcher.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "sender");
        Assert.Equal(rtl, message.Str("text"));
        await AssertWellBehavedClientUnaffectedAsync();
    }

    [Fact]
    public async Task The_http_api_refuses_bad_bodies_and_bad_text_with_400_and_stores_nothing()
    {
        using var http = _server.CreateHttpClient();
        var registered = await http.PostAsJsonAsync("/api/register", new { user = "poster", password = Password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var token = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();

        async Task<(HttpStatusCode Status, string? Code)> PostAsync(byte[] body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms/lobby/messages")
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text)?["code"]?.GetValue<string>());
        }

        Assert.Equal((HttpStatusCode.BadRequest, "bad_request"), await PostAsync([.. "{\"text\":\"caf"u8, 0xC3, 0x28, .. "\"}"u8]));
        Assert.Equal((HttpStatusCode.BadRequest, "bad_request"), await PostAsync("{\"text\":\"x\\ud800\"}"u8.ToArray()));
        Assert.Equal((HttpStatusCode.BadRequest, "bad_request"), await PostAsync("{\"text\":\"one\",\"text\":\"two\"}"u8.ToArray()));
        Assert.Equal((HttpStatusCode.BadRequest, "bad_request"), await PostAsync(Encoding.UTF8.GetBytes("{\"text\":" + new string('[', 500) + new string(']', 500) + "}")));
        Assert.Equal((HttpStatusCode.BadRequest, "bad_text"), await PostAsync("{\"text\":\"bell\\u0007\"}"u8.ToArray()));
        Assert.Equal((HttpStatusCode.Created, null), await PostAsync("{\"text\":\"fine\"}"u8.ToArray()));

        var message = await _watcher.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "poster");
        Assert.Equal("fine", message.Str("text"));
        await AssertWellBehavedClientUnaffectedAsync();
    }
}
