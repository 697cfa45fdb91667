using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.ReadState;

/// <summary>Read state over REST (docs/http-api.md): <c>GET /api/conversations</c> and <c>PUT /api/rooms/{room}/read</c>.</summary>
public sealed class ReadStateHttpTests
{
    [Fact]
    public async Task Conversations_list_the_counts_and_a_put_read_reaches_the_accounts_live_connection()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        await SendOkAsync(bob, "lobby", "hi @alice", "b1");
        await SendOkAsync(bob, "lobby", "again", "b2");
        AssertOk(await RequestAsync(bob, new { type = "send", to = "alice", text = "psst", id = "p1" }, "p1"));
        var token = alice.Welcome.Str("token")!;

        var (status, list) = await SendAsync(http, HttpMethod.Get, "/api/conversations", token);
        Assert.Equal(HttpStatusCode.OK, status);
        var lobby = list!.AsArray().Single(c => c!["room"]!.GetValue<string>() == "lobby")!;
        Assert.Equal((2L, 0L, 2L, 1L), (Long(lobby, "seq"), Long(lobby, "read"), Long(lobby, "unread"), Long(lobby, "mentions")));
        var direct = list.AsArray().Single(c => c!["room"]!.GetValue<string>() == "@alice,bob")!;
        Assert.Equal((1L, 1L), (Long(direct, "seq"), Long(direct, "unread")));

        var (putStatus, put) = await SendAsync(http, HttpMethod.Put, "/api/rooms/lobby/read", token, new { seq = 2 });
        Assert.Equal((HttpStatusCode.OK, "lobby", 2L), (putStatus, put!["room"]!.GetValue<string>(), Long(put, "seq")));
        Assert.Equal(2, (await alice.ReadUntilAsync(f => f.Type() == "read" && f.Str("room") == "lobby")).Seq());
        var (_, stale) = await SendAsync(http, HttpMethod.Put, "/api/rooms/lobby/read", token, new { seq = 1 });
        Assert.Equal(2, Long(stale!, "seq"));
        var (_, privateRead) = await SendAsync(http, HttpMethod.Put, "/api/rooms/%40alice%2Cbob/read", token, new { seq = 1 });
        Assert.Equal(1, Long(privateRead!, "seq"));

        // Refusals, as the protocol's: beyond the newest, another pair's conversation, a room one is not in.
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(http, HttpMethod.Put, "/api/rooms/lobby/read", token, new { seq = 3 })).Status);
        var bobToken = bob.Welcome.Str("token")!;
        await using var carol = await server.RegisterAsync("carol");
        AssertOk(await RequestAsync(carol, new { type = "send", to = "bob", text = "x", id = "c1" }, "c1"));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Put, "/api/rooms/%40bob%2Ccarol/read", token, new { seq = 1 })).Status);
        await JoinRoomAsync(bob, "dev");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Put, "/api/rooms/dev/read", token, new { seq = 0 })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Get, "/api/conversations", "nope")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Get, "/api/conversations", bobToken)).Status);
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static long Long(JsonNode node, string name) => node[name]!.GetValue<long>();
}
