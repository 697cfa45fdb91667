using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Piazza.Server.Doors.Http;

namespace Piazza.Server.Admin;

/// <summary>
/// The admin operations against a running server's admin API (<c>--url</c>, <c>--token</c>): the routes of
/// <see cref="AdminRoutes"/> with their JSON records. A 4xx answer is a refusal (exit 1, the server's message); no
/// answer, or a 5xx, is exit 2.
/// </summary>
internal sealed class ApiAdmin(HttpClient http) : IAdminTarget
{
    private static readonly AdminJsonContext Json = AdminJsonContext.Default;

    public Task<AdminReply<List<AdminUserResponse>>> UsersAsync(string? cursor, int? limit, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Get, "/api/admin/users" + Query(cursor, limit), null, Json.ListAdminUserResponse, cancellationToken);

    public Task<AdminReply<ModerationResponse>> KickAsync(string user, string? reason, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, $"/api/admin/users/{Escape(user)}/kick", Body(new ModerationBody(null, reason, null, null)), Json.ModerationResponse, cancellationToken);

    public Task<AdminReply<ModerationResponse>> BanAsync(string? user, string? address, ModerationBody terms, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Put, user is not null ? $"/api/admin/bans/{Escape(user)}" : $"/api/admin/address-bans/{Escape(address!)}", Body(terms), Json.ModerationResponse, cancellationToken);

    public async Task<AdminReply<bool>> UnbanAsync(string? user, string? address, CancellationToken cancellationToken)
    {
        var path = user is not null ? $"/api/admin/bans/{Escape(user)}" : $"/api/admin/address-bans/{Escape(address!)}";
        var done = await SendAsync<object>(HttpMethod.Delete, path, null, null, cancellationToken).ConfigureAwait(false);
        return done.Code == 0 ? AdminReply<bool>.Ok(true) : new AdminReply<bool>(false, null, done.Error, done.Code);
    }

    public Task<AdminReply<List<AdminRoomResponse>>> RoomsAsync(string? cursor, int? limit, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Get, "/api/admin/rooms" + Query(cursor, limit), null, Json.ListAdminRoomResponse, cancellationToken);

    public Task<AdminReply<OwnerResponse>> SetOwnerAsync(string room, string owner, string? reason, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Put, $"/api/admin/rooms/{Escape(room)}/owner", JsonSerializer.Serialize(new OwnerRequest(owner, reason), Json.OwnerRequest), Json.OwnerResponse, cancellationToken);

    public Task<AdminReply<DeletedResponse>> DeleteMessageAsync(string id, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Delete, $"/api/admin/messages/{Escape(id)}", null, Json.DeletedResponse, cancellationToken);

    public Task<AdminReply<AnnouncementResponse>> AnnounceAsync(string text, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "/api/admin/announcements", JsonSerializer.Serialize(new AnnouncementRequest(text), Json.AnnouncementRequest), Json.AnnouncementResponse, cancellationToken);

    public Task<AdminReply<List<AuditEntryResponse>>> AuditAsync(string? cursor, int? limit, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Get, "/api/admin/audit" + Query(cursor, limit), null, Json.ListAuditEntryResponse, cancellationToken);

    public Task<AdminReply<PasswordResetResponse>> ResetPasswordAsync(string user, string? reason, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, $"/api/admin/users/{Escape(user)}/password-reset", Body(new ModerationBody(null, reason, null, null)), Json.PasswordResetResponse, cancellationToken);

    public async Task<AdminReply<AccountStateResponse>> SetDisabledAsync(string user, bool disabled, string? reason, CancellationToken cancellationToken)
    {
        var path = $"/api/admin/users/{Escape(user)}/disabled";
        if (disabled)
        {
            return await SendAsync(HttpMethod.Put, path, Body(new ModerationBody(null, reason, null, null)), Json.AccountStateResponse, cancellationToken).ConfigureAwait(false);
        }

        var done = await SendAsync<object>(HttpMethod.Delete, path, Body(new ModerationBody(null, reason, null, null)), null, cancellationToken).ConfigureAwait(false);
        return done.Code == 0 ? AdminReply<AccountStateResponse>.Ok(new AccountStateResponse(user, Disabled: false)) : new AdminReply<AccountStateResponse>(null, null, done.Error, done.Code);
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string? Body(ModerationBody terms) => terms.Reason is null && terms.Duration is null && terms.Until is null ? null : JsonSerializer.Serialize(terms, Json.ModerationBody);

    private static string Query(string? cursor, int? limit)
    {
        var parts = new List<string>();
        if (cursor is not null)
        {
            parts.Add("cursor=" + Uri.EscapeDataString(cursor));
        }

        if (limit is { } size)
        {
            parts.Add(FormattableString.Invariant($"limit={size}"));
        }

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>The cursor of the next page, from the answer's <c>Link: &lt;…?cursor=X…&gt;; rel="next"</c>.</summary>
    private static string? NextCursor(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        var link = links.FirstOrDefault(l => l.Contains("rel=\"next\"", StringComparison.Ordinal));
        var start = link?.IndexOf('<', StringComparison.Ordinal) ?? -1;
        var end = link?.IndexOf('>', StringComparison.Ordinal) ?? -1;
        if (start < 0 || end <= start)
        {
            return null;
        }

        var query = link![(start + 1)..end].Split('?', 2) is [_, var q] ? q : "";
        return query.Split('&').Select(p => p.Split('=', 2)).Where(p => p is ["cursor", _]).Select(p => Uri.UnescapeDataString(p[1])).FirstOrDefault();
    }

    private async Task<AdminReply<T>> SendAsync<T>(HttpMethod method, string path, string? body, JsonTypeInfo<T>? answer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                // The server's own refusal is JSON with a code; anything else (a proxy's page, a 5xx) is no answer to act on.
                var refusal = TryError(text);
                return refusal is not null && (int)response.StatusCode < 500
                    ? AdminReply<T>.Refused(refusal)
                    : AdminReply<T>.Unusable($"{http.BaseAddress} answered {refusal ?? $"HTTP {(int)response.StatusCode}"}");
            }

            if (answer is null || response.StatusCode == HttpStatusCode.NoContent)
            {
                return AdminReply<T>.Ok(default!);
            }

            return AdminReply<T>.Ok(JsonSerializer.Deserialize(text, answer)!, NextCursor(response));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return AdminReply<T>.Unusable($"cannot use {http.BaseAddress}: {ex.Message}");
        }
    }

    private static string? TryError(string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, Json.ErrorResponse) is { Code: { } code, Message: { } message } ? $"{message} ({code})" : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
