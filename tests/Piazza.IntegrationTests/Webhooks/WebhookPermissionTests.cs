using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;
using static Piazza.IntegrationTests.Webhooks.IncomingWebhookTests;

namespace Piazza.IntegrationTests.Webhooks;

/// <summary>
/// Who manages a room's webhooks: its owner and server admins; a member is refused (403), a non-member of a private
/// room is answered exactly as for a room that does not exist (404), and lists never show a secret.
/// </summary>
public sealed class WebhookPermissionTests
{
    [Fact]
    public async Task Only_the_owner_and_admins_manage_webhooks_and_a_private_room_stays_hidden_from_non_members()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { FirstUserIsAdmin = true });
        await using var root = await server.RegisterAsync("boss"); // the first account: admin
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        await using var carol = await server.RegisterAsync("carol");
        await JoinRoomAsync(alice, "builds");
        await JoinRoomAsync(bob, "builds");
        AssertOk(await RequestAsync(alice, new { type = "join", room = "secret", @private = true, id = "p" }, "p"));
        using var owner = server.CreateHttpClient(alice.Welcome.Str("token"));
        using var member = server.CreateHttpClient(bob.Welcome.Str("token"));
        using var outsider = server.CreateHttpClient(carol.Welcome.Str("token"));
        using var admin = server.CreateHttpClient(root.Welcome.Str("token"));
        using var anonymous = server.CreateHttpClient();

        await AssertErrorAsync(await member.PostAsJsonAsync("/api/rooms/builds/webhooks", new { name = "ci" }), HttpStatusCode.Forbidden, "forbidden");
        await AssertErrorAsync(await member.GetAsync("/api/rooms/builds/webhooks"), HttpStatusCode.Forbidden, "forbidden");
        await AssertErrorAsync(await member.PostAsJsonAsync("/api/rooms/builds/webhooks/outgoing", new { url = "http://127.0.0.1:9/" }), HttpStatusCode.Forbidden, "forbidden");
        await AssertErrorAsync(await outsider.GetAsync("/api/rooms/builds/webhooks"), HttpStatusCode.Forbidden, "not_in_room");
        await AssertErrorAsync(await anonymous.GetAsync("/api/rooms/builds/webhooks"), HttpStatusCode.Unauthorized, "auth_failed");

        // The private room: its webhooks exist, and carol is told what a missing room answers, word for word.
        var created = await owner.PostAsJsonAsync("/api/rooms/secret/webhooks", new { name = "pager" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        foreach (var path in new[] { "/api/rooms/{0}/webhooks", "/api/rooms/{0}/webhooks/outgoing" })
        {
            var hidden = await outsider.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, "secret"));
            var missing = await outsider.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, "nowhere"));
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
            Assert.Equal((await missing.Content.ReadAsStringAsync()).Replace("nowhere", "secret", StringComparison.Ordinal), await hidden.Content.ReadAsStringAsync());
        }

        var deleteHidden = await outsider.DeleteAsync($"/api/rooms/secret/webhooks/{id}");
        var deleteMissing = await outsider.DeleteAsync($"/api/rooms/nowhere/webhooks/{id}");
        Assert.Equal((await deleteMissing.Content.ReadAsStringAsync()).Replace("nowhere", "secret", StringComparison.Ordinal), await deleteHidden.Content.ReadAsStringAsync());

        // The owner and the admin list it without its secret; the admin may delete it; then its URL is gone.
        var listed = await owner.GetStringAsync("/api/rooms/secret/webhooks");
        Assert.Equal(id, JsonNode.Parse(listed)!.AsArray().Single()!["id"]!.GetValue<string>());
        Assert.DoesNotContain("url", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("secret\":", listed, StringComparison.Ordinal);
        Assert.Equal(listed, await admin.GetStringAsync("/api/rooms/secret/webhooks"));
        var url = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["url"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync(url, new { text = "page" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/rooms/secret/webhooks/{id}")).StatusCode);
        await AssertErrorAsync(await admin.DeleteAsync($"/api/rooms/secret/webhooks/{id}"), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await anonymous.PostAsJsonAsync(url, new { text = "page" }), HttpStatusCode.NotFound, "not_found");
        Assert.Equal("[]", await owner.GetStringAsync("/api/rooms/secret/webhooks"));
    }
}
