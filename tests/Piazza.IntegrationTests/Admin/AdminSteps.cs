using System.Net;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.IntegrationTests.Rest;

namespace Piazza.IntegrationTests.Admin;

/// <summary>What the admin tests share: an admin's password-session token, and the audit log read as the API gives it.</summary>
internal static class AdminSteps
{
    /// <summary>Makes <paramref name="name"/> a server admin (creating the account) and logs it in over REST: its session token.</summary>
    public static async Task<string> AdminTokenAsync(this TestServer server, HttpClient http, string name = "boss")
    {
        Assert.True((await server.Hub.GrantAdminAsync(name, ProtocolSteps.Password)).Succeeded);
        return await http.LoginTokenAsync(name);
    }

    /// <summary>Logs in over REST with a password: the session token.</summary>
    public static async Task<string> LoginTokenAsync(this HttpClient http, string user, string password = ProtocolSteps.Password)
    {
        var (status, body, _) = await http.CallAsync(HttpMethod.Post, "/api/login", null, new { user, password });
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        return body!["token"]!.GetValue<string>();
    }

    /// <summary>The newest audit entries (one page of 500) as the admin API gives them.</summary>
    public static async Task<List<JsonObject>> AuditAsync(this HttpClient http, string adminToken)
    {
        var (status, body, _) = await http.CallAsync(HttpMethod.Get, "/api/admin/audit?limit=500", adminToken);
        Assert.Equal(HttpStatusCode.OK, status);
        return [.. body!.AsArray().Select(e => e!.AsObject())];
    }

    /// <summary>Whether an entry says <paramref name="actor"/> did <paramref name="action"/> to <paramref name="target"/>.</summary>
    public static bool Says(this JsonObject entry, string actor, string action, string? target = null)
        => entry.Str("actor") == actor && entry.Str("action") == action && (target is null || entry.Str("target") == target);
}
