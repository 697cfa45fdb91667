using System.Net;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.IntegrationTests.Rest;

namespace Piazza.IntegrationTests.Admin;

/// <summary>Every /api/admin endpoint: 401 without a token, 403 for a user who is not an admin and for a named token, and nothing done.</summary>
public sealed class AdminApiAccessTests : HttpServerTest
{
    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/api/admin/users" },
        { "POST", "/api/admin/users/bob/kick" },
        { "PUT", "/api/admin/bans/bob" },
        { "DELETE", "/api/admin/bans/bob" },
        { "PUT", "/api/admin/address-bans/10.9.8.7" },
        { "DELETE", "/api/admin/address-bans/10.9.8.7" },
        { "GET", "/api/admin/rooms" },
        { "PUT", "/api/admin/rooms/dev/owner" },
        { "DELETE", "/api/admin/messages/MSG" },
        { "POST", "/api/admin/announcements" },
        { "GET", "/api/admin/audit" },
        { "POST", "/api/admin/users/bob/password-reset" },
        { "PUT", "/api/admin/users/bob/disabled" },
        { "DELETE", "/api/admin/users/bob/disabled" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task An_admin_endpoint_is_401_without_a_token_and_403_for_a_user_or_a_named_token_and_does_nothing(string method, string path)
    {
        var admin = await Server.AdminTokenAsync(Http);
        await using var bob = await Server.RegisterAsync("bob");
        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        var sent = await ProtocolSteps.SendOkAsync(bob, "dev", "hello", "s1");
        path = path.Replace("MSG", sent.Str("msg"), StringComparison.Ordinal);
        var carol = await Http.RegisterTokenAsync("carol");
        var body = new { owner = "carol", text = "hi", reason = "why" };
        var before = (await Http.AuditAsync(admin)).Count;

        var (anonymous, anonymousBody, _) = await Http.CallAsync(new HttpMethod(method), path, null, body);
        Assert.Equal((HttpStatusCode.Unauthorized, "auth_failed"), (anonymous, anonymousBody.Code()));

        var (user, userBody, _) = await Http.CallAsync(new HttpMethod(method), path, carol, body);
        Assert.True((user, userBody.Code()) == (HttpStatusCode.Forbidden, "forbidden"), $"{method} {path}: {user} {userBody?.ToJsonString()}");

        // An admin's named token (even with every scope) cannot: administration needs a password session.
        var (_, named, _) = await Http.CallAsync(HttpMethod.Post, "/api/tokens", admin, new { name = "ci", scopes = new[] { "read", "send", "moderate" } });
        var (scoped, scopedBody, _) = await Http.CallAsync(new HttpMethod(method), path, named!["token"]!.GetValue<string>(), body);
        Assert.True((scoped, scopedBody.Code()) == (HttpStatusCode.Forbidden, "forbidden"), $"{method} {path}: {scoped} {scopedBody?.ToJsonString()}");

        // Nothing happened: bob is still online and may log in, the message is there, the audit log did not grow.
        Assert.Equal(HttpStatusCode.OK, (await Http.CallAsync(HttpMethod.Post, "/api/login", null, new { user = "bob", password = ProtocolSteps.Password })).Status);
        Assert.Contains(Server.Hub.Sessions, s => s.Name == "bob");
        var (_, history, _) = await Http.CallAsync(HttpMethod.Get, "/api/rooms/dev/messages", bob.Token());
        Assert.Contains(history!["messages"]!.AsArray(), m => m!["text"]!.GetValue<string>() == "hello");
        Assert.Equal(before + 1, (await Http.AuditAsync(admin)).Count); // only the admin's own read of it before
    }
}
