using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests;

/// <summary>The REST API under /api against a real server: tokens, reads, sends, and every error status.</summary>
public sealed class HttpApiTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.HttpBase };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<string> RegisterAsync(string user)
    {
        var response = await _http.PostAsJsonAsync("/api/register", new { user, password = "password-" + user });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(user, body["user"]!.GetValue<string>());
        return body["token"]!.GetValue<string>();
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task Register_login_me_and_rooms()
    {
        var token = await RegisterAsync("alice");
        var login = await ReadAsync(await _http.PostAsJsonAsync("/api/login", new { user = "ALICE", password = "password-alice" }));
        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.NotEqual(token, login.Body!["token"]!.GetValue<string>());

        var me = await ReadAsync(await _http.SendAsync(Authorized(HttpMethod.Get, "/api/me", token)));
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal("alice", me.Body!["user"]!.GetValue<string>());
        Assert.Equal(["lobby"], me.Body["rooms"]!.AsArray().Select(r => r!.GetValue<string>()));

        var rooms = await ReadAsync(await _http.SendAsync(Authorized(HttpMethod.Get, "/api/rooms", token)));
        Assert.Equal(HttpStatusCode.OK, rooms.Status);
        var lobby = rooms.Body!.AsArray().Single(r => r!["room"]!.GetValue<string>() == "lobby")!;
        Assert.True(lobby["joined"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_message_posted_over_http_is_durable_live_for_protocol_clients_and_readable_back()
    {
        var token = await RegisterAsync("bot");
        var (listener, _) = await RawClient.JoinAsync(_server.Port, "listener");
        await using var l = listener;

        var sent = await ReadAsync(await _http.SendAsync(Authorized(HttpMethod.Post, "/api/rooms/lobby/messages", token, new { text = "deploy done ✅", id = "d1" })));
        Assert.Equal(HttpStatusCode.Created, sent.Status);
        Assert.Equal(1, sent.Body!["seq"]!.GetValue<long>());
        Assert.False(sent.Body["duplicate"]!.GetValue<bool>());

        var live = await listener.ReadUntilAsync(f => f.Type() == "message");
        Assert.Equal(("bot", "deploy done ✅", 1L), (live.Str("from"), live.Str("text"), live["seq"]!.GetValue<long>()));

        var again = await ReadAsync(await _http.SendAsync(Authorized(HttpMethod.Post, "/api/rooms/lobby/messages", token, new { text = "deploy done ✅", id = "d1" })));
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.True(again.Body!["duplicate"]!.GetValue<bool>());
        Assert.Equal(sent.Body["msg"]!.GetValue<string>(), again.Body["msg"]!.GetValue<string>());

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await _http.SendAsync(Authorized(HttpMethod.Post, "/api/rooms/lobby/messages", token, new { text = $"n{i}" }))).StatusCode);
        }

        var page = await ReadAsync(await _http.SendAsync(Authorized(HttpMethod.Get, "/api/rooms/lobby/messages?before=5&limit=2", token)));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal([3L, 4L], page.Body!["messages"]!.AsArray().Select(m => m!["seq"]!.GetValue<long>()));
        var after = await ReadAsync(await _http.SendAsync(Authorized(HttpMethod.Get, "/api/rooms/lobby/messages?after=4", token)));
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal([5L, 6L], after.Body!["messages"]!.AsArray().Select(m => m!["seq"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Private_messages_over_http_reach_the_recipient()
    {
        var token = await RegisterAsync("carol");
        var (dave, _) = await RawClient.JoinAsync(_server.Port, "dave");
        await using var d = dave;
        var sent = await ReadAsync(await _http.SendAsync(Authorized(HttpMethod.Post, "/api/conversations/dave/messages", token, new { text = "psst" })));
        Assert.Equal(HttpStatusCode.Created, sent.Status);
        var message = await dave.ReadUntilAsync(f => f.Type() == "message");
        Assert.Equal(("carol", "dave", "psst"), (message.Str("from"), message.Str("to"), message.Str("text")));
        var read = await ReadAsync(await _http.SendAsync(Authorized(HttpMethod.Get, "/api/conversations/dave/messages", token)));
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("psst", read.Body!["messages"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Errors_have_the_right_status_and_code()
    {
        var token = await RegisterAsync("erin");

        async Task Expect(HttpResponseMessage response, HttpStatusCode status, string code)
        {
            var (actual, body) = await ReadAsync(response);
            Assert.Equal(status, actual);
            Assert.Equal(code, body!["code"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(body["message"]!.GetValue<string>()));
        }

        await Expect(await _http.GetAsync(new Uri("/api/me", UriKind.Relative)), HttpStatusCode.Unauthorized, "auth_failed");
        await Expect(await _http.SendAsync(Authorized(HttpMethod.Get, "/api/me", "not-a-token")), HttpStatusCode.Unauthorized, "auth_failed");
        await Expect(await _http.PostAsJsonAsync("/api/login", new { user = "erin", password = "wrong-password" }), HttpStatusCode.Unauthorized, "auth_failed");
        await Expect(await _http.PostAsJsonAsync("/api/register", new { user = "Erin", password = "password-erin" }), HttpStatusCode.Conflict, "name_taken");
        await Expect(await _http.PostAsJsonAsync("/api/register", new { user = "bad name", password = "password-x" }), HttpStatusCode.BadRequest, "bad_name");
        await Expect(await _http.PostAsync(new Uri("/api/login", UriKind.Relative), new StringContent("{not json", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "bad_request");
        await Expect(await _http.SendAsync(Authorized(HttpMethod.Get, "/api/rooms/nowhere/messages", token)), HttpStatusCode.NotFound, "no_such_room");
        await Expect(await _http.SendAsync(Authorized(HttpMethod.Get, "/api/rooms/lobby/messages?limit=501", token)), HttpStatusCode.BadRequest, "bad_request");
        await Expect(await _http.SendAsync(Authorized(HttpMethod.Post, "/api/conversations/nobody-at-all/messages", token, new { text = "x" })), HttpStatusCode.NotFound, "no_such_user");
        await Expect(await _http.SendAsync(Authorized(HttpMethod.Post, "/api/rooms/lobby/messages", token, new { text = new string('x', 4001) })), HttpStatusCode.RequestEntityTooLarge, "too_large");
        await Expect(await _http.SendAsync(Authorized(HttpMethod.Post, "/api/rooms/lobby/messages", token, new { text = new string('x', 70_000) })), HttpStatusCode.RequestEntityTooLarge, "too_large");
        await Expect(await _http.GetAsync(new Uri("/api/nothing-here", UriKind.Relative)), HttpStatusCode.NotFound, "not_found");

        // A room erin is not in: another account creates it over the protocol.
        var (frank, _) = await RawClient.JoinAsync(_server.Port, "frank");
        await using var f = frank;
        await frank.SendAsync(new { type = "join", room = "private-club", id = "j" });
        await frank.ReadUntilAsync(x => x.Type() == "ok" && x.Str("re") == "j");
        await Expect(await _http.SendAsync(Authorized(HttpMethod.Get, "/api/rooms/private-club/messages", token)), HttpStatusCode.Forbidden, "not_in_room");
    }

    [Fact]
    public async Task Repeated_failed_logins_get_429_with_retry_after_and_logout_revokes_the_token()
    {
        var token = await RegisterAsync("gina");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await _http.PostAsJsonAsync("/api/login", new { user = "gina", password = "nope-nope" })).StatusCode);
        }

        var throttled = await _http.PostAsJsonAsync("/api/login", new { user = "gina", password = "password-gina" });
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var body = (await ReadAsync(throttled)).Body!;
        Assert.Equal("rate_limited", body["code"]!.GetValue<string>());
        Assert.True(body["retryAfter"]!.GetValue<double>() >= 1);

        Assert.Equal(HttpStatusCode.NoContent, (await _http.SendAsync(Authorized(HttpMethod.Post, "/api/logout", token))).StatusCode);
        var revoked = await ReadAsync(await _http.SendAsync(Authorized(HttpMethod.Get, "/api/me", token)));
        Assert.Equal((HttpStatusCode.Unauthorized, "auth_failed"), (revoked.Status, revoked.Body!["code"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Messages_over_http_have_the_protocol_shape_deleted_included()
    {
        var token = await RegisterAsync("hana");
        var alice = await RawClient.ConnectAsync(_server.Port);
        await using var a = alice;
        async Task<JsonObject> AnswerAsync(object frame, string id, string type = "ok")
        {
            await alice.SendAsync(frame);
            var answer = await alice.ReadUntilAsync(f => f.Str("re") == id);
            Assert.True(answer.Type() == type, answer.ToJsonString());
            return answer;
        }

        await alice.SendAsync(new { type = "hello", token });
        var welcome = await alice.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.True(welcome.Type() == "welcome", welcome.ToJsonString());
        await AnswerAsync(new { type = "send", room = "lobby", text = "keep", id = "s1" }, "s1");
        var oops = await AnswerAsync(new { type = "send", room = "lobby", text = "oops", id = "s2" }, "s2");
        await AnswerAsync(new { type = "delete", room = "lobby", msg = oops.Str("msg"), id = "d" }, "d");
        var history = await AnswerAsync(new { type = "history", room = "lobby", id = "h" }, "h", "history");
        var rest = await ReadAsync(await _http.SendAsync(Authorized(HttpMethod.Get, "/api/rooms/lobby/messages", token)));
        Assert.Equal(HttpStatusCode.OK, rest.Status);

        var overRest = rest.Body!["messages"]!.AsArray();
        var overProtocol = history["messages"]!.AsArray();
        Assert.Equal(2, overRest.Count);
        Assert.True(JsonNode.DeepEquals(overProtocol, overRest), $"protocol {overProtocol.ToJsonString()} vs REST {overRest.ToJsonString()}");
        Assert.Equal(("message", "keep", null), (overRest[0]!.AsObject().Type(), overRest[0]!.AsObject().Str("text"), overRest[0]!["deleted"]));
        Assert.Equal(("", true), (overRest[1]!.AsObject().Str("text"), overRest[1]!["deleted"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task The_files_endpoints_answer_a_refused_token_and_a_missing_file_as_every_endpoint_does()
    {
        await using var server = await TestServer.StartAsync(("FirstUserIsAdmin", "true"));
        var (boss, _) = await ProtocolSteps.RegisterAsync(server.Port, "boss");
        await using var b = boss;
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var registered = await http.PostAsJsonAsync("/api/register", new { user = "ivan", password = "password-ivan" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var token = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
        const string UnknownFile = "/api/files/0123456789abcdef0123456789abcdef";

        async Task<(HttpStatusCode Status, string Code, bool Challenge)> AskAsync(HttpMethod method, string path, string? bearer)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("Tus-Resumable", "1.0.0");
            request.Headers.Add("Upload-Length", "1");
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            using var response = await http.SendAsync(request);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return (response.StatusCode, body["code"]!.GetValue<string>(), response.Headers.WwwAuthenticate.Count > 0);
        }

        Assert.Equal((HttpStatusCode.NotFound, "not_found", false), await AskAsync(HttpMethod.Get, UnknownFile, token));
        Assert.Equal((HttpStatusCode.NotFound, "not_found", false), await AskAsync(HttpMethod.Delete, UnknownFile, token));
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/me"), (HttpMethod.Get, UnknownFile), (HttpMethod.Delete, UnknownFile), (HttpMethod.Post, "/api/uploads") })
        {
            var refused = await AskAsync(method, path, "not-a-token");
            Assert.Equal((HttpStatusCode.Unauthorized, "auth_failed"), (refused.Status, refused.Code));
            Assert.True(refused.Challenge, $"{method} {path} names no WWW-Authenticate scheme");
        }

        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(boss, new { type = "ban", user = "ivan", id = "b" }, "b"));
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/me"), (HttpMethod.Get, UnknownFile), (HttpMethod.Post, "/api/uploads") })
        {
            var banned = await AskAsync(method, path, token);
            Assert.Equal((HttpStatusCode.Forbidden, "banned", false), banned);
        }
    }

    [Fact]
    public async Task Healthz_and_the_web_client_are_served()
    {
        var health = System.Text.Json.Nodes.JsonNode.Parse(await _http.GetStringAsync(new Uri("/healthz", UriKind.Relative)))!;
        Assert.Equal("ok", health["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(health["node"]!.GetValue<string>()));
        var page = await _http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Piazza", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
