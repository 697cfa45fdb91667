using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>Moderation reaches the REST door too: mutes and server bans answer 403 with their codes.</summary>
public sealed class ModerationHttpTests
{
    [Fact]
    public async Task A_muted_user_cannot_post_and_a_banned_account_s_token_is_refused()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { FirstUserIsAdmin = true });
        await using var boss = await server.RegisterAsync("boss");
        using var http = server.CreateHttpClient();
        var registered = await http.PostAsJsonAsync("/api/register", new { user = "bob", password = Password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var token = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();

        async Task<(HttpStatusCode Status, string? Code)> PostAsync(string text)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms/lobby/messages") { Content = JsonContent.Create(new { text }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body)?["code"]?.GetValue<string>());
        }

        Assert.Equal(HttpStatusCode.Created, (await PostAsync("before")).Status);
        AssertOk(await RequestAsync(boss, new { type = "mute", room = "lobby", user = "bob", id = "m" }, "m"));
        Assert.Equal((HttpStatusCode.Forbidden, "muted"), await PostAsync("while muted"));
        AssertOk(await RequestAsync(boss, new { type = "unmute", room = "lobby", user = "bob", id = "u" }, "u"));
        AssertOk(await RequestAsync(boss, new { type = "ban", user = "bob", id = "b" }, "b"));
        Assert.Equal((HttpStatusCode.Forbidden, "banned"), await PostAsync("while banned"));
    }
}
