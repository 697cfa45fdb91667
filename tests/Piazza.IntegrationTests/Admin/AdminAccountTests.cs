using System.Net;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.IntegrationTests.Rest;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Admin;

/// <summary>Disabled accounts on every door, and password resets: what ends at once and what works after.</summary>
public sealed class AdminAccountTests : HttpServerTest
{
    private const string DaveWs = "dave";

    [Fact]
    public async Task A_disabled_account_has_its_sessions_ended_on_every_door_and_cannot_log_in_or_use_a_token_until_enabled()
    {
        var admin = await Server.AdminTokenAsync(Http);
        await using var tcp = await Server.RegisterAsync(DaveWs);
        var token = tcp.Token();
        await using var ws = await RawClient.ConnectWebSocketAsync(Server.HttpBase);
        AssertWelcome(await FirstAnswerAsync(ws, new { type = "hello", token }));
        await using var irc = await IrcTestClient.RegisterAsync(Server, DaveWs, Password);
        var rest = await Http.LoginTokenAsync(DaveWs);

        var (status, body, _) = await Http.CallAsync(HttpMethod.Put, "/api/admin/users/dave/disabled", admin, new { reason = "left the company" });
        Assert.Equal((HttpStatusCode.OK, "dave", true), (status, body!["user"]!.GetValue<string>(), body["disabled"]!.GetValue<bool>()));

        // Live sessions end at once: the line doors are told session_revoked, IRC is closed.
        var told = await tcp.ReadUntilAsync(f => f.Type() == "error" && f.Str("code") == "session_revoked");
        Assert.Contains("disabled", told.Str("message"), StringComparison.Ordinal);
        Assert.True(await tcp.WaitForCloseAsync());
        await ws.ReadUntilAsync(f => f.Type() == "error" && f.Str("code") == "session_revoked");
        Assert.True(await ws.WaitForCloseAsync());
        await irc.ExpectClosedAsync();
        Assert.DoesNotContain(Server.Hub.Sessions, s => s.Name == DaveWs);

        // Nothing of the account works: a password or a token, on the native door, WebSocket, REST and IRC.
        await using (var again = await RawClient.ConnectAsync(Server.Port))
        {
            AssertError(await FirstAnswerAsync(again, new { type = "hello", user = DaveWs, password = Password }), "account_disabled");
            AssertError(await FirstAnswerAsync(again, new { type = "hello", token }), "account_disabled");
        }

        await using (var wsAgain = await RawClient.ConnectWebSocketAsync(Server.HttpBase))
        {
            AssertError(await FirstAnswerAsync(wsAgain, new { type = "hello", token }), "account_disabled");
        }

        var (me, meBody, _) = await Http.CallAsync(HttpMethod.Get, "/api/me", rest);
        Assert.Equal((HttpStatusCode.Forbidden, "account_disabled"), (me, meBody.Code()));
        var (login, loginBody, _) = await Http.CallAsync(HttpMethod.Post, "/api/login", null, new { user = DaveWs, password = Password });
        Assert.Equal((HttpStatusCode.Forbidden, "account_disabled"), (login, loginBody.Code()));

        // A wrong password is still only auth_failed: the disabled state is told to whoever knows the password.
        var (wrong, wrongBody, _) = await Http.CallAsync(HttpMethod.Post, "/api/login", null, new { user = DaveWs, password = "not the password" });
        Assert.Equal((HttpStatusCode.Unauthorized, "auth_failed"), (wrong, wrongBody.Code()));

        await using (var ircAgain = await IrcTestClient.ConnectAsync(Server))
        {
            await ircAgain.SendAsync("PASS :" + Password);
            await ircAgain.SendAsync("NICK dave");
            await ircAgain.SendAsync("USER dave 0 * :Dave");
            var error = await ircAgain.ExpectAsync("ERROR");
            Assert.Contains("disabled", error.Param(0), StringComparison.Ordinal);
            await ircAgain.ExpectClosedAsync();
        }

        // Enabled again: the tokens it had work again (disabling revoked none).
        Assert.Equal(HttpStatusCode.NoContent, (await Http.CallAsync(HttpMethod.Delete, "/api/admin/users/dave/disabled", admin)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.CallAsync(HttpMethod.Get, "/api/me", rest)).Status);
        await using var back = await Server.TokenLoginAsync(token);

        var audit = await Http.AuditAsync(admin);
        Assert.Contains(audit, e => e.Says("boss", "disable", "dave") && e.Str("reason") == "left the company");
        Assert.Contains(audit, e => e.Says("boss", "enable", "dave"));
    }

    [Fact]
    public async Task Disabling_refuses_unknown_accounts_and_admins_and_changes_nothing_then()
    {
        var admin = await Server.AdminTokenAsync(Http);
        Assert.True((await Server.Hub.GrantAdminAsync("deputy", Password)).Succeeded);

        var (missing, missingBody, _) = await Http.CallAsync(HttpMethod.Put, "/api/admin/users/ghost/disabled", admin);
        Assert.Equal((HttpStatusCode.NotFound, "no_such_user"), (missing, missingBody.Code()));
        var (bad, badBody, _) = await Http.CallAsync(HttpMethod.Put, "/api/admin/users/%20x%20/disabled", admin);
        Assert.Equal((HttpStatusCode.BadRequest, "bad_name"), (bad, badBody.Code()));
        var (other, otherBody, _) = await Http.CallAsync(HttpMethod.Put, "/api/admin/users/deputy/disabled", admin);
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (other, otherBody.Code()));
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.CallAsync(HttpMethod.Put, "/api/admin/users/boss/disabled", admin)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.CallAsync(HttpMethod.Post, "/api/login", null, new { user = "deputy", password = Password })).Status);
    }

    [Fact]
    public async Task A_password_reset_revokes_every_token_ends_live_sessions_and_the_temporary_password_works()
    {
        var admin = await Server.AdminTokenAsync(Http);
        await using var live = await Server.RegisterAsync("eve");
        var oldToken = live.Token();
        var rest = await Http.LoginTokenAsync("eve");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/users/eve/password-reset");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", admin);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var temporary = body["password"]!.GetValue<string>();
        Assert.Equal("eve", body["user"]!.GetValue<string>());
        Assert.True(temporary.Length >= 20, temporary);

        var told = await live.ReadUntilAsync(f => f.Type() == "error" && f.Str("code") == "session_revoked");
        Assert.Contains("reset", told.Str("message"), StringComparison.Ordinal);
        Assert.True(await live.WaitForCloseAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.CallAsync(HttpMethod.Get, "/api/me", rest)).Status);
        await using (var stale = await RawClient.ConnectAsync(Server.Port))
        {
            AssertError(await FirstAnswerAsync(stale, new { type = "hello", token = oldToken }), "auth_failed");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.CallAsync(HttpMethod.Post, "/api/login", null, new { user = "eve", password = Password })).Status);
        var fresh = await Http.LoginTokenAsync("eve", temporary);
        Assert.Equal(HttpStatusCode.OK, (await Http.CallAsync(HttpMethod.Get, "/api/me", fresh)).Status);

        // The user changes it at once, as the answer says, with the normal password change.
        await using var back = await Server.LoginAsync("eve", temporary);
        AssertOk(await RequestAsync(back, new { type = "password", password = temporary, newPassword = "a new secret of hers", id = "p" }, "p"));

        // Audited, without the secret.
        var audit = await Http.AuditAsync(admin);
        var entry = Assert.Single(audit, e => e.Says("boss", "password-reset", "eve"));
        Assert.DoesNotContain(temporary, entry.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.CallAsync(HttpMethod.Post, "/api/admin/users/ghost/password-reset", admin)).Status);
    }

    private static void AssertWelcome(System.Text.Json.Nodes.JsonObject answer) => Assert.True(answer.Type() == "welcome", answer.ToJsonString());
}
