using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Editing;

/// <summary>Edit over REST (docs/http-api.md): <c>PATCH /api/messages/{id}</c> and <c>GET /api/messages/{id}/versions</c>.</summary>
public sealed class EditHttpTests
{
    [Fact]
    public async Task A_patch_edits_for_the_author_live_and_in_history_and_versions_are_for_the_owner_with_the_protocols_refusals()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        await using var owner = await server.RegisterAsync("owner");
        await using var bob = await server.RegisterAsync("bob");
        await using var carol = await server.RegisterAsync("carol");
        await JoinRoomAsync(owner, "dev");
        await JoinRoomAsync(bob, "dev");
        var sent = await SendOkAsync(bob, "dev", "v1", "m1");
        var id = sent.Str("msg")!;
        var bobToken = bob.Welcome.Str("token")!;
        var ownerToken = owner.Welcome.Str("token")!;

        var (status, body) = await SendAsync(http, HttpMethod.Patch, $"/api/messages/{id}", bobToken, new { text = "v2" });
        Assert.Equal((HttpStatusCode.OK, "dev", id, sent.Seq()), (status, body!["room"]!.GetValue<string>(), body["msg"]!.GetValue<string>(), body["seq"]!.GetValue<long>()));
        var heard = await owner.ReadUntilAsync(f => f.Type() == "edited");
        Assert.Equal(("v2", body["editedAt"]!.GetValue<string>()), (heard.Str("text"), heard.Str("editedAt")));

        var (_, page) = await SendAsync(http, HttpMethod.Get, "/api/rooms/dev/messages", ownerToken);
        var message = page!["messages"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == id)!;
        Assert.Equal(("v2", body["editedAt"]!.GetValue<string>()), (message["text"]!.GetValue<string>(), message["editedAt"]!.GetValue<string>()));

        var (versionsStatus, versions) = await SendAsync(http, HttpMethod.Get, $"/api/messages/{id}/versions", ownerToken);
        Assert.Equal(HttpStatusCode.OK, versionsStatus);
        Assert.Equal(["v1", "v2"], versions!["versions"]!.AsArray().Select(v => v!["text"]!.GetValue<string>()));

        // Refusals: someone else's edit, the author's versions, a hidden message, too long a text, a deleted one.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Patch, $"/api/messages/{id}", ownerToken, new { text = "mine" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Get, $"/api/messages/{id}/versions", bobToken)).Status);
        var carolToken = carol.Welcome.Str("token")!;
        var (hidden, hiddenBody) = await SendAsync(http, HttpMethod.Patch, $"/api/messages/{id}", carolToken, new { text = "x" });
        Assert.Equal((HttpStatusCode.NotFound, "no_such_message"), (hidden, hiddenBody!["code"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, HttpMethod.Get, $"/api/messages/{id}/versions", carolToken)).Status);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await SendAsync(http, HttpMethod.Patch, $"/api/messages/{id}", bobToken, new { text = new string('x', 4001) })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(http, HttpMethod.Patch, $"/api/messages/{id}", bobToken, new { })).Status);
        AssertOk(await RequestAsync(bob, new { type = "delete", msg = id, id = "d" }, "d"));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, HttpMethod.Patch, $"/api/messages/{id}", bobToken, new { text = "v3" })).Status);
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
}
