using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Webhooks;

/// <summary>
/// Incoming webhooks (docs/http-api.md, "Webhooks"), as a CI notifier uses them: one anonymous JSON POST to the secret
/// URL and the message reaches the room's members live, on every door that carries messages
/// (<see cref="IncomingWebhookTcpTests"/>, <see cref="IncomingWebhookWebSocketTests"/>), and its history, as the bot.
/// </summary>
public abstract class IncomingWebhookTests
{
    private const string Password = "correct horse battery";

    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    [Fact]
    public async Task A_CI_notifier_posts_to_the_secret_url_and_members_see_the_bots_message_live_and_in_history()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await JoinRoomAsync(alice, "builds");
        await JoinRoomAsync(bob, "builds");
        using var owner = server.CreateHttpClient(alice.Welcome.Str("token"));

        var created = await owner.PostAsJsonAsync("/api/rooms/builds/webhooks", new { name = "ci" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var webhook = JsonNode.Parse(await created.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(("builds", "ci"), (webhook.Str("room"), webhook.Str("name")));
        var url = webhook.Str("url")!;
        Assert.StartsWith($"{server.HttpBase}api/hooks/", url, StringComparison.Ordinal);
        Assert.True(url.Length - url.LastIndexOf('/') - 1 >= 43, url); // 256 random bits

        // What curl -H 'Content-Type: application/json' -d '{...}' sends, with Slack fields we ignore.
        using var curl = new HttpClient();
        var json = """{"text":"build #42 passed, @bob","username":"alice","icon_url":"https://ci.example/logo.png","channel":"#general"}""";
        var posted = await curl.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var answer = JsonNode.Parse(await posted.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(answer["ok"]!.GetValue<bool>());

        var live = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("room") == "builds");
        Assert.Equal(("ci", "build #42 passed, @bob", answer.Str("msg")), (live.Str("from"), live.Str("text"), live.Str("id")));
        Assert.Equal(["bob"], live["mentions"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.True(live["bot"]?.GetValue<bool>(), "a webhook's message is marked as a bot's");

        // Slack's form encoding: payload=<the JSON>.
        var form = await curl.PostAsync(url, new FormUrlEncodedContent([new("payload", """{"text":"deployed"}""")]));
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal("ci", (await alice.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "deployed")).Str("from"));

        var history = await RequestAsync(bob, new { type = "history", room = "builds", id = "h" }, "h");
        Assert.Equal(["build #42 passed, @bob", "deployed"], Texts(history));
        Assert.All(history["messages"]!.AsArray(), m => Assert.Equal(("ci", true), (m!["from"]!.GetValue<string>(), m["bot"]?.GetValue<bool>() == true)));
    }

    [Fact]
    public async Task A_wrong_secret_or_bad_body_is_a_json_error_and_the_bot_name_follows_the_name_rules_and_cannot_log_in()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await JoinRoomAsync(alice, "builds");
        using var owner = server.CreateHttpClient(alice.Welcome.Str("token"));
        var url = await CreateAsync(owner, "builds", "ci");
        using var anonymous = new HttpClient();

        var wrong = await anonymous.PostAsJsonAsync(url[..^4] + "AAAA", new { text = "hi" });
        await AssertErrorAsync(wrong, HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await anonymous.PostAsJsonAsync(new Uri(server.HttpBase, "/api/hooks/x"), new { text = "hi" }), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await anonymous.PostAsync(url, new StringContent("{not json", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "bad_request");
        await AssertErrorAsync(await anonymous.PostAsJsonAsync(url, new { text = "  " }), HttpStatusCode.BadRequest, "bad_request");
        await AssertErrorAsync(await anonymous.PostAsync(url, new FormUrlEncodedContent([new("payload", "nope")])), HttpStatusCode.BadRequest, "bad_request");

        // The bot's name is an account's: not one that is taken, confusable or badly formed.
        await AssertErrorAsync(await owner.PostAsJsonAsync("/api/rooms/builds/webhooks", new { name = "Alice" }), HttpStatusCode.Conflict, "name_taken");
        await AssertErrorAsync(await owner.PostAsJsonAsync("/api/rooms/builds/webhooks", new { name = "CI" }), HttpStatusCode.Conflict, "name_taken");
        await AssertErrorAsync(await owner.PostAsJsonAsync("/api/rooms/builds/webhooks", new { name = "a1ice" }), HttpStatusCode.Conflict, "name_confusable"); // 1 for l
        await AssertErrorAsync(await owner.PostAsJsonAsync("/api/rooms/builds/webhooks", new { name = "two words" }), HttpStatusCode.BadRequest, "bad_name");

        // Nobody logs in as the bot, whatever the password.
        using var http = server.CreateHttpClient();
        await AssertErrorAsync(await http.PostAsJsonAsync("/api/login", new { user = "ci", password = "!webhook" }), HttpStatusCode.Unauthorized, "auth_failed");
        await using var door = await ConnectAsync(server);
        AssertError(await FirstAnswerAsync(door, new { type = "hello", user = "ci", password = "!webhook" }), "auth_failed");
    }

    private static async Task<string> CreateAsync(HttpClient owner, string room, string name)
    {
        var created = await owner.PostAsJsonAsync($"/api/rooms/{room}/webhooks", new { name });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonNode.Parse(await created.Content.ReadAsStringAsync())!["url"]!.GetValue<string>();
    }

    internal static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal(new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }.MediaType, response.Content.Headers.ContentType?.MediaType);
        var error = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(code, error.Str("code"));
        Assert.False(string.IsNullOrEmpty(error.Str("message")));
    }

    private async Task<RawClient> RegisterAsync(TestServer server, string user)
    {
        var client = await ConnectAsync(server);
        var answer = await FirstAnswerAsync(client, new { type = "register", user, password = Password });
        Assert.True(answer.Type() == "welcome", $"expected welcome, got {answer.ToJsonString()}");
        client.Welcome = answer;
        return client;
    }
}

/// <summary>The incoming webhook suite with members on the native TCP door.</summary>
public sealed class IncomingWebhookTcpTests : IncomingWebhookTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

/// <summary>The incoming webhook suite with members on the WebSocket door.</summary>
public sealed class IncomingWebhookWebSocketTests : IncomingWebhookTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
