using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Reactions;

/// <summary>Reactions over REST (docs/http-api.md): <c>PUT</c>/<c>DELETE /api/messages/{id}/reactions/{emoji}</c> and reactions in REST history.</summary>
public sealed class ReactionHttpTests
{
    [Fact]
    public async Task Put_and_delete_react_as_the_protocol_does_and_history_carries_the_reactions()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        await using var mallory = await server.RegisterAsync("mallory");
        var msg = (await SendOkAsync(bob, "lobby", "release notes", "b1")).Str("msg")!;
        var token = alice.Welcome.Str("token")!;
        var path = $"/api/messages/{msg}/reactions/";

        var (status, put) = await SendAsync(http, HttpMethod.Put, path + Uri.EscapeDataString("👍"), token);
        Assert.Equal((HttpStatusCode.OK, "lobby", msg, "👍", true), (status, put!["room"]!.GetValue<string>(), put["msg"]!.GetValue<string>(), put["emoji"]!.GetValue<string>(), put["on"]!.GetValue<bool>()));
        var heard = await bob.ReadUntilAsync(f => f.Type() == "reaction");
        Assert.Equal(("alice", "👍", true), (heard.Str("user"), heard.Str("emoji"), heard["on"]!.GetValue<bool>()));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Put, path + ":tada:", token)).Status);

        var (_, page) = await SendAsync(http, HttpMethod.Get, "/api/rooms/lobby/messages", token);
        var reactions = page!["messages"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == msg)!["reactions"]!.AsArray();
        Assert.Equal(["👍", "🎉"], reactions.Select(r => r!["emoji"]!.GetValue<string>()));

        var (deleted, off) = await SendAsync(http, HttpMethod.Delete, path + Uri.EscapeDataString("👍"), token);
        Assert.Equal((HttpStatusCode.OK, false), (deleted, off!["on"]!.GetValue<bool>()));
        Assert.False((await bob.ReadUntilAsync(f => f.Type() == "reaction" && f.Str("emoji") == "👍"))["on"]!.GetValue<bool>());

        // Refusals: not an emoji, a message the caller cannot see (answered as a missing one), no token.
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(http, HttpMethod.Put, path + "ab", token)).Status);
        var direct = await RequestAsync(bob, new { type = "send", to = "alice", text = "just us", id = "d1" }, "d1");
        AssertOk(direct);
        var malloryToken = mallory.Welcome.Str("token")!;
        var (hidden, body) = await SendAsync(http, HttpMethod.Put, $"/api/messages/{direct.Str("msg")}/reactions/{Uri.EscapeDataString("👍")}", malloryToken);
        var (missing, missingBody) = await SendAsync(http, HttpMethod.Put, $"/api/messages/01NOSUCHMESSAGE0000000000/reactions/{Uri.EscapeDataString("👍")}", malloryToken);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (hidden, missing));
        Assert.Equal(("no_such_message", "no_such_message"), (body!["code"]!.GetValue<string>(), missingBody!["code"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Put, path + ":tada:", "nope")).Status);
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
