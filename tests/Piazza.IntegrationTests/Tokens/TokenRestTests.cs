using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Tokens;

/// <summary>
/// Tokens, sessions and bots over REST (docs/http-api.md): <c>/api/tokens</c>, <c>/api/sessions</c>, scopes enforced
/// with 403 <c>forbidden</c>, a revoked token answered 401 with the JSON error shape, bots marked in REST history.
/// </summary>
public sealed class TokenRestTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> LoginTokenAsync(string path, object body, string? agent = null)
    {
        using var anonymous = _server.CreateHttpClient();
        if (agent is not null)
        {
            anonymous.DefaultRequestHeaders.UserAgent.ParseAdd(agent);
        }

        var answer = await anonymous.PostAsJsonAsync(path, body);
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        return (await answer.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
    }

    private static async Task<JsonObject> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(code, body.Str("code"));
        return body;
    }

    [Fact]
    public async Task A_read_only_token_reads_history_but_a_send_is_403_naming_the_scope_and_a_revoked_one_is_401()
    {
        var password = await LoginTokenAsync("/api/register", new { user = "alice", password = Password });
        using var owner = _server.CreateHttpClient(password);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/rooms/lobby/messages", new { text = "hello" })).StatusCode);

        var created = await owner.PostAsJsonAsync("/api/tokens", new { name = "dashboard", scopes = new[] { "read" }, days = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("dashboard", "read"), (body.Str("name"), body["scopes"]![0]!.GetValue<string>()));
        Assert.NotNull(body.Str("expires"));
        using var reader = _server.CreateHttpClient(body.Str("token"));

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri("/api/rooms/lobby/messages", UriKind.Relative))).StatusCode);
        var refused = await ErrorAsync(await reader.PostAsJsonAsync("/api/rooms/lobby/messages", new { text = "from a reader" }), HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("'send'", refused.Str("message"), StringComparison.Ordinal);
        await ErrorAsync(await reader.GetAsync(new Uri("/api/tokens", UriKind.Relative)), HttpStatusCode.Forbidden, "forbidden");

        var listed = (await owner.GetFromJsonAsync<JsonArray>("/api/tokens"))!;
        var entry = Assert.Single(listed)!.AsObject();
        Assert.Equal("dashboard", entry.Str("name"));
        Assert.NotNull(entry.Str("created"));
        Assert.NotNull(entry.Str("lastUsed"));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(new Uri("/api/tokens/dashboard", UriKind.Relative))).StatusCode);
        var revoked = await reader.GetAsync(new Uri("/api/rooms/lobby/messages", UriKind.Relative));
        await ErrorAsync(revoked, HttpStatusCode.Unauthorized, "auth_failed");
        await ErrorAsync(await owner.DeleteAsync(new Uri("/api/tokens/dashboard", UriKind.Relative)), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Bad_token_requests_get_the_json_error_shape()
    {
        var password = await LoginTokenAsync("/api/register", new { user = "alice", password = Password });
        using var owner = _server.CreateHttpClient(password);
        await ErrorAsync(await owner.PostAsJsonAsync("/api/tokens", new { name = "a b", scopes = new[] { "read" } }), HttpStatusCode.BadRequest, "bad_request");
        await ErrorAsync(await owner.PostAsJsonAsync("/api/tokens", new { name = "x", scopes = new[] { "root" } }), HttpStatusCode.BadRequest, "bad_request");
        await ErrorAsync(await owner.PostAsync(new Uri("/api/tokens", UriKind.Relative), new StringContent("nope", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/tokens", new { name = "x", scopes = new[] { "send" } })).StatusCode);
        await ErrorAsync(await owner.PostAsJsonAsync("/api/tokens", new { name = "x", scopes = new[] { "send" } }), HttpStatusCode.Conflict, "name_taken");
        await ErrorAsync(await owner.DeleteAsync(new Uri("/api/sessions", UriKind.Relative)), HttpStatusCode.BadRequest, "bad_request");
        await ErrorAsync(await owner.DeleteAsync(new Uri("/api/sessions/0123456789abcdef", UriKind.Relative)), HttpStatusCode.NotFound, "not_found");
        using var anonymous = _server.CreateHttpClient();
        await ErrorAsync(await anonymous.GetAsync(new Uri("/api/sessions", UriKind.Relative)), HttpStatusCode.Unauthorized, "auth_failed");
    }

    [Fact]
    public async Task Sessions_are_listed_with_their_user_agent_and_signing_out_the_others_ends_their_connections()
    {
        var current = await LoginTokenAsync("/api/register", new { user = "alice", password = Password }, agent: "curl/8.5.0");
        await using var phone = await _server.LoginAsync("alice");
        var phoneToken = phone.Welcome!.Str("token")!;
        using var http = _server.CreateHttpClient(current);

        var sessions = (await http.GetFromJsonAsync<JsonArray>("/api/sessions"))!.Select(s => s!.AsObject()).ToList();
        Assert.Equal(2, sessions.Count);
        var mine = Assert.Single(sessions, s => s["current"]?.GetValue<bool>() == true);
        Assert.Equal("http curl/8.5.0", mine.Str("label"));

        var revoked = await http.DeleteAsync(new Uri("/api/sessions?others=true", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(1, (await revoked.Content.ReadFromJsonAsync<JsonObject>())!["revoked"]!.GetValue<int>());
        AssertError(await phone.ReadUntilAsync(f => f.Type() == "error"), "session_revoked");
        Assert.True(await phone.WaitForCloseAsync(TimeSpan.FromSeconds(20)));
        using var phoneHttp = _server.CreateHttpClient(phoneToken);
        await ErrorAsync(await phoneHttp.GetAsync(new Uri("/api/me", UriKind.Relative)), HttpStatusCode.Unauthorized, "auth_failed");
        Assert.Single((await http.GetFromJsonAsync<JsonArray>("/api/sessions"))!);
    }

    [Fact]
    public async Task A_bot_registered_over_rest_is_marked_on_its_messages_in_rest_history()
    {
        var bot = await LoginTokenAsync("/api/register", new { user = "ci", password = Password, bot = true });
        using var botHttp = _server.CreateHttpClient(bot);
        Assert.Equal(HttpStatusCode.Created, (await botHttp.PostAsJsonAsync("/api/rooms/lobby/messages", new { text = "build 12 passed" })).StatusCode);
        var human = await LoginTokenAsync("/api/register", new { user = "alice", password = Password });
        using var humanHttp = _server.CreateHttpClient(human);
        Assert.Equal(HttpStatusCode.Created, (await humanHttp.PostAsJsonAsync("/api/rooms/lobby/messages", new { text = "nice" })).StatusCode);

        var history = (await humanHttp.GetFromJsonAsync<JsonObject>("/api/rooms/lobby/messages"))!["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
        Assert.True(history.Single(m => m.Str("from") == "ci")["bot"]!.GetValue<bool>());
        Assert.Null(history.Single(m => m.Str("from") == "alice")["bot"]);
    }
}
