using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Rest;

/// <summary>What the REST parity tests share: one call with a bearer token, and logins over the other doors.</summary>
internal static class RestSteps
{
    /// <summary>One request; the body parsed when there is one, and the response's Link header.</summary>
    public static async Task<(HttpStatusCode Status, JsonNode? Body, string? Link)> CallAsync(this HttpClient http, HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var link = response.Headers.TryGetValues("Link", out var values) ? values.Single() : null;
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), link);
    }

    /// <summary>Registers over REST (a bot that speaks only HTTP); returns its token.</summary>
    public static async Task<string> RegisterTokenAsync(this HttpClient http, string user)
    {
        var (status, body, _) = await http.CallAsync(HttpMethod.Post, "/api/register", null, new { user, password = ProtocolSteps.Password });
        Assert.Equal(HttpStatusCode.Created, status);
        return body!["token"]!.GetValue<string>();
    }

    /// <summary>Registers over the WebSocket door; the welcome (with the token) is on <see cref="RawClient.Welcome"/>.</summary>
    public static async Task<RawClient> RegisterOverWebSocketAsync(this TestServer server, string user)
    {
        var client = await RawClient.ConnectWebSocketAsync(server.HttpBase);
        await client.SendAsync(new { type = "register", user, password = ProtocolSteps.Password });
        var welcome = await client.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.True(welcome.Type() == "welcome", welcome.ToJsonString());
        client.Welcome = welcome;
        return client;
    }

    public static string Token(this RawClient client) => client.Welcome.Str("token")!;

    public static string Code(this JsonNode? body) => body!["code"]!.GetValue<string>();

    /// <summary>A room's presence told either way: a single <c>joined</c>, or a coalesced <c>presence</c> naming the user.</summary>
    public static bool TellsJoined(JsonObject frame, string room, string user)
        => (frame.Type() == "joined" && frame.Str("room") == room && frame.Str("user") == user)
            || (frame.Type() == "presence" && frame.Str("room") == room && frame["joined"] is JsonArray joined && joined.Any(j => j!["user"]!.GetValue<string>() == user));

    /// <summary>A departure told either way: a single <c>left</c>, or a coalesced <c>presence</c> naming the user.</summary>
    public static bool TellsLeft(JsonObject frame, string room, string user)
        => (frame.Type() == "left" && frame.Str("room") == room && frame.Str("user") == user)
            || (frame.Type() == "presence" && frame.Str("room") == room && frame["left"] is JsonArray left && left.Any(j => j!["user"]!.GetValue<string>() == user));
}
