using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// Revoking credentials ends the live sessions that used them, on every door: connections get <c>session_revoked</c>
/// and close, REST and tus requests with the old token get 401 at once. Run over the native door and WebSocket.
/// </summary>
public abstract class SessionRevocationTests
{
    private const string NewPassword = "a much better passphrase";

    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    [Fact]
    public async Task A_stolen_token_connection_is_closed_after_the_victims_password_change()
    {
        await using var server = await TestServer.StartAsync();
        await using var victim = await HelloThroughDoorAsync(server, new { type = "register", user = "alice", password = Password });
        var stolen = victim.Welcome.Str("token")!;
        await using var thief = await HelloThroughDoorAsync(server, new { type = "hello", token = stolen });
        await using var otherDevice = await HelloThroughDoorAsync(server, new { type = "hello", user = "alice", password = Password });
        using var http = server.CreateHttpClient(stolen);
        var upload = await new TusTestClient(http, stolen).CreateOkAsync(TusTestClient.RandomBytes(100));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);

        var changed = await RequestAsync(victim, new { type = "password", password = Password, newPassword = NewPassword, id = "p" }, "p");
        AssertOk(changed);
        var fresh = changed.Str("token")!;

        // Every other live session of the account ends, whatever it logged in with; the one that changed it stays.
        foreach (var ended in new[] { thief, otherDevice })
        {
            AssertError(await ended.ReadUntilAsync(f => f.Type() == "error"), "session_revoked");
            Assert.True(await ended.WaitForCloseAsync(TimeSpan.FromSeconds(20)), "the revoked connection stayed open");
        }

        await SendOkAsync(victim, "lobby", "still here", "s1");
        await AssertRevokedOverHttpAsync(server, stolen, upload);
        using var freshHttp = server.CreateHttpClient(fresh);
        Assert.Equal(HttpStatusCode.OK, (await freshHttp.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Logout_revokes_the_live_sessions_of_that_token_and_no_other()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await HelloThroughDoorAsync(server, new { type = "register", user = "alice", password = Password });
        var token = first.Welcome.Str("token")!;
        await using var sameToken = await HelloThroughDoorAsync(server, new { type = "hello", token });
        await using var ownLogin = await HelloThroughDoorAsync(server, new { type = "hello", user = "alice", password = Password });

        AssertOk(await RequestAsync(first, new { type = "logout", id = "l" }, "l"));

        AssertError(await sameToken.ReadUntilAsync(f => f.Type() == "error"), "session_revoked");
        Assert.True(await sameToken.WaitForCloseAsync(TimeSpan.FromSeconds(20)), "the revoked connection stayed open");
        await SendOkAsync(ownLogin, "lobby", "my own token still works", "s1");
        await AssertRevokedOverHttpAsync(server, token, upload: null);
    }

    [Fact]
    public async Task Logout_over_http_closes_the_live_sessions_of_that_token()
    {
        await using var server = await TestServer.StartAsync();
        using var anonymous = server.CreateHttpClient();
        var registered = await anonymous.PostAsJsonAsync("/api/register", new { user = "alice", password = Password });
        var token = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
        await using var live = await HelloThroughDoorAsync(server, new { type = "hello", token });
        await using var watcher = await HelloThroughDoorAsync(server, new { type = "hello", user = "bob" });

        using var http = server.CreateHttpClient(token);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync(new Uri("/api/logout", UriKind.Relative), null)).StatusCode);

        AssertError(await live.ReadUntilAsync(f => f.Type() == "error"), "session_revoked");
        Assert.True(await live.WaitForCloseAsync(TimeSpan.FromSeconds(20)), "the revoked connection stayed open");
        var left = await watcher.ReadUntilAsync(f => f.Type() == "left" && f.Str("user") == "alice");
        Assert.Equal("session_revoked", left.Str("reason"));
    }

    private static async Task AssertRevokedOverHttpAsync(TestServer server, string token, string? upload)
    {
        using var http = server.CreateHttpClient(token);
        var me = await http.GetAsync(new Uri("/api/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal("auth_failed", await TusTestClient.ErrorCodeAsync(me));
        var send = await http.PostAsJsonAsync("/api/rooms/lobby/messages", new { text = "with a revoked token" });
        Assert.Equal(HttpStatusCode.Unauthorized, send.StatusCode);

        var tus = new TusTestClient(http, token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tus.CreateAsync(10, "late.txt", null)).StatusCode);
        if (upload is not null)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await tus.PatchAsync(upload, 0, new byte[100])).StatusCode);
        }
    }

    private async Task<RawClient> HelloThroughDoorAsync(TestServer server, object hello)
    {
        var client = await ConnectAsync(server);
        var welcome = await FirstAnswerAsync(client, hello);
        Assert.True(welcome.Type() == "welcome", welcome.ToJsonString());
        client.Welcome = welcome;
        return client;
    }
}

public sealed class NativeTcpSessionRevocationTests : SessionRevocationTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

public sealed class WebSocketSessionRevocationTests : SessionRevocationTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
