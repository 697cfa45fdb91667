using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// Issue 11, "the conversation cache grows without bound", on the REST door: <c>GET /api/rooms/@me,random/messages</c>
/// loaded and cached a conversation per made-up id, thousands per second, with no read limit.
/// </summary>
public sealed class ConversationCacheRestTests
{
    [Fact]
    public async Task Made_up_private_conversation_ids_read_through_rest_are_answered_empty_and_not_cached()
    {
        await using var server = await TestServer.StartAsync();
        using var http = await RegisterAsync(server, "alice");
        var before = server.Hub.ConversationsInMemory;

        for (var i = 0; i < 200; i++)
        {
            using var response = await http.GetAsync($"api/rooms/@alice,x{i:D5}/messages?limit=1");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Empty(body["messages"]!.AsArray());
        }

        Assert.Equal(before, server.Hub.ConversationsInMemory);
    }

    [Theory]
    [InlineData("@bob,alice", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("@ALICE,bob", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("@alice,carol,bob", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("@bob,carol,dave", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("@bob,carol", HttpStatusCode.Forbidden, "forbidden")]
    public async Task Non_canonical_private_conversation_ids_are_refused_over_rest(string id, HttpStatusCode status, string code)
    {
        await using var server = await TestServer.StartAsync();
        using var http = await RegisterAsync(server, "alice");

        using var response = await http.GetAsync($"api/rooms/{id}/messages");
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("code"));
    }

    [Fact]
    public async Task History_reads_over_the_account_rate_get_429_with_retry_after()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { AccountReadsPerSecond = 0.05, AccountReadBurst = 3 } });
        using var http = await RegisterAsync(server, "alice");
        for (var i = 0; i < 3; i++)
        {
            using var ok = await http.GetAsync($"api/rooms/@alice,x{i}/messages");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await http.GetAsync("api/rooms/lobby/messages");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("rate_limited", (await refused.Content.ReadFromJsonAsync<JsonObject>())!.Str("code"));

        // The account's budget spans its devices: a live connection of the same account is refused too.
        await using var line = await server.LoginAsync("alice");
        ProtocolSteps.AssertError(await ProtocolSteps.RequestAsync(line, new { type = "history", room = "lobby", id = "h" }, "h"), "rate_limited");
    }

    private static async Task<HttpClient> RegisterAsync(TestServer server, string user)
    {
        using var anonymous = server.CreateHttpClient();
        using var registered = await anonymous.PostAsJsonAsync("api/register", new { user, password = ProtocolSteps.Password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var token = (await registered.Content.ReadFromJsonAsync<JsonObject>())!.Str("token");
        return server.CreateHttpClient(token);
    }
}
