using System.Globalization;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.Http;

namespace Piazza.Server.Admin;

/// <summary>
/// The admin operations on the data folder's database, through a hub of this process as the operator (audited as
/// <see cref="ChatHub.OperatorName"/>). A server running on the same folder reads disabled accounts and passwords at
/// each login and request; bans, owners and deletions it holds in memory change there only after a restart, and its
/// live connections stay: the commands say so, and <c>--url</c> acts on the running server at once.
/// </summary>
internal sealed class DataFolderAdmin(ChatHub hub) : IAdminTarget
{
    /// <summary>What a command that needs a running server says without <c>--url</c>.</summary>
    public const string NeedsServer = "needs a running server: pass --url URL and --token TOKEN (an admin's session token from POST /api/login)";

    private readonly ChatSession _operator = hub.OperatorSession();

    public Task<AdminReply<List<AdminUserResponse>>> UsersAsync(string? cursor, int? limit, CancellationToken cancellationToken)
        => Task.FromResult(AdminReply<List<AdminUserResponse>>.Unusable("'users' " + NeedsServer));

    public Task<AdminReply<ModerationResponse>> KickAsync(string user, string? reason, CancellationToken cancellationToken)
        => Task.FromResult(AdminReply<ModerationResponse>.Unusable("'kick' " + NeedsServer));

    public Task<AdminReply<AnnouncementResponse>> AnnounceAsync(string text, CancellationToken cancellationToken)
        => Task.FromResult(AdminReply<AnnouncementResponse>.Unusable("'announce' " + NeedsServer));

    public async Task<AdminReply<ModerationResponse>> BanAsync(string? user, string? address, ModerationBody terms, CancellationToken cancellationToken)
    {
        TimeSpan? duration = null;
        if (terms.Duration is { } seconds)
        {
            var checkedDuration = ModerationTerms.DurationFromSeconds(seconds);
            if (!checkedDuration.Succeeded)
            {
                return AdminReply<ModerationResponse>.Refused(checkedDuration.Error!.Message);
            }

            duration = checkedDuration.Value;
        }

        var normalized = address is null ? null : AddressText.Normalize(address);
        if (address is not null && normalized is null)
        {
            return AdminReply<ModerationResponse>.Refused($"'{address}' is not an IP address");
        }

        var banned = await hub.BanAsync(_operator, new ModerationRequest(null, user, normalized, terms.Reason, duration), cancellationToken).ConfigureAwait(false);
        return banned.Value is { } done
            ? AdminReply<ModerationResponse>.Ok(new ModerationResponse(null, done.User, normalized, done.Until is { } end ? WireTimestamp.Format(end) : null))
            : AdminReply<ModerationResponse>.Refused(banned.Error!.Message);
    }

    public async Task<AdminReply<bool>> UnbanAsync(string? user, string? address, CancellationToken cancellationToken)
    {
        var lifted = await hub.UnbanAsync(_operator, new ModerationRequest(null, user, address is null ? null : AddressText.Normalize(address) ?? address), cancellationToken).ConfigureAwait(false);
        return lifted.Succeeded ? AdminReply<bool>.Ok(true) : AdminReply<bool>.Refused(lifted.Error!.Message);
    }

    public async Task<AdminReply<List<AdminRoomResponse>>> RoomsAsync(string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var page = await hub.AllRoomsAsync(_operator, cursor, limit, cancellationToken).ConfigureAwait(false);
        return page.Value is { } rooms
            ? AdminReply<List<AdminRoomResponse>>.Ok([.. rooms.Rooms.Select(r => new AdminRoomResponse(r.Name, r.Topic, r.Owner, r.Private, r.Members, r.Present))], rooms.Next)
            : AdminReply<List<AdminRoomResponse>>.Refused(page.Error!.Message);
    }

    public async Task<AdminReply<OwnerResponse>> SetOwnerAsync(string room, string owner, string? reason, CancellationToken cancellationToken)
    {
        var set = await hub.SetRoomOwnerAsync(_operator, room, owner, reason, cancellationToken).ConfigureAwait(false);
        return set.Succeeded ? AdminReply<OwnerResponse>.Ok(new OwnerResponse(set.Value.Room, set.Value.Owner)) : AdminReply<OwnerResponse>.Refused(set.Error!.Message);
    }

    public async Task<AdminReply<DeletedResponse>> DeleteMessageAsync(string id, CancellationToken cancellationToken)
    {
        var deleted = await hub.AdminDeleteMessageAsync(_operator, id, cancellationToken).ConfigureAwait(false);
        return deleted.Value is { } d ? AdminReply<DeletedResponse>.Ok(new DeletedResponse(d.Room, d.MessageId, d.Seq)) : AdminReply<DeletedResponse>.Refused(deleted.Error!.Message);
    }

    public async Task<AdminReply<List<AuditEntryResponse>>> AuditAsync(string? cursor, int? limit, CancellationToken cancellationToken)
    {
        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return AdminReply<List<AuditEntryResponse>>.Unusable("--cursor must be the entry id an earlier page named");
            }

            before = id;
        }

        var page = await hub.AuditPageAsync(_operator, before, limit, cancellationToken).ConfigureAwait(false);
        return page.Value is { } audit
            ? AdminReply<List<AuditEntryResponse>>.Ok([.. audit.Entries.Select(AuditEntryResponse.Of)], audit.Next?.ToString(CultureInfo.InvariantCulture))
            : AdminReply<List<AuditEntryResponse>>.Refused(page.Error!.Message);
    }

    public async Task<AdminReply<PasswordResetResponse>> ResetPasswordAsync(string user, string? reason, CancellationToken cancellationToken)
    {
        var reset = await hub.ResetPasswordAsync(_operator, user, reason, cancellationToken).ConfigureAwait(false);
        return reset.Value is { } done
            ? AdminReply<PasswordResetResponse>.Ok(new PasswordResetResponse(done.User, done.TemporaryPassword))
            : AdminReply<PasswordResetResponse>.Refused(reset.Error!.Message);
    }

    public async Task<AdminReply<AccountStateResponse>> SetDisabledAsync(string user, bool disabled, string? reason, CancellationToken cancellationToken)
    {
        var set = await hub.SetAccountDisabledAsync(_operator, user, disabled, reason, cancellationToken).ConfigureAwait(false);
        return set.Succeeded ? AdminReply<AccountStateResponse>.Ok(new AccountStateResponse(set.Value!, disabled)) : AdminReply<AccountStateResponse>.Refused(set.Error!.Message);
    }
}
