using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>
/// What IRC's MODE and OPER ask that no other door does: a room's creation time, the bans and mutes in force in a
/// room (a channel's ban list), and an admin confirming their password.
/// </summary>
public sealed partial class ChatHub
{
    /// <summary>A room as <see cref="RoomInfoAsync"/> shows it, with when it was created (null when the store has no record of it).</summary>
    public async Task<HubResult<(RoomDetails Room, DateTimeOffset? CreatedAt)>> RoomModesAsync(ChatSession session, string? room, CancellationToken cancellationToken = default)
    {
        var info = await RoomInfoAsync(session, room, cancellationToken).ConfigureAwait(false);
        if (!info.Succeeded)
        {
            return info.Error!;
        }

        var record = await _hub.Store.FindRoomAsync(RoomNamePolicy.Fold(info.Value!.Name), cancellationToken).ConfigureAwait(false);
        return HubResult<(RoomDetails, DateTimeOffset?)>.Ok((info.Value!, record?.CreatedAt));
    }

    /// <summary>
    /// The room bans and mutes in force in a room, oldest ban first: for those in the room and admins (as the room's
    /// moderation events are). Read from the store, so every node answers alike.
    /// </summary>
    public async Task<HubResult<RoomSanctionList>> RoomSanctionsAsync(ChatSession session, string? room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var resolved = await _rooms.ModeratedRoomAsync(session, room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var chatRoom = resolved.Value!;
        var now = _hub.Now;
        var bans = (await _hub.Store.ActiveBansAsync(now, cancellationToken).ConfigureAwait(false))
            .Where(b => b.RoomKey == chatRoom.Key && b.Kind == BanKind.User)
            .OrderBy(b => b.CreatedAt)
            .Select(b => new SanctionEntry(b.Target, b.By, b.CreatedAt, b.ExpiresAt))
            .ToList();
        var mutes = (await _hub.Store.RoomModerationAsync(chatRoom.Key, cancellationToken).ConfigureAwait(false)).Mutes
            .Where(m => m.ExpiresAt is not { } until || until > now)
            .Select(m => new SanctionEntry(m.UserKey, m.By, null, m.ExpiresAt))
            .ToList();
        return HubResult<RoomSanctionList>.Ok(new RoomSanctionList(chatRoom.Name, bans, mutes));
    }

    /// <summary>
    /// An admin confirms their own account's password (IRC's OPER): <c>forbidden</c> for another account, a guest or a
    /// non-admin (told before any password is hashed), <c>auth_failed</c> for a wrong password, throttled like a login.
    /// </summary>
    public async Task<HubResult<string>> ConfirmAdminAsync(ChatSession session, string? name, string? password, string address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var user = session.User;
        if (!user.IsRegistered || name is null || !UserNamePolicy.IsValid(name, out _) || UserNamePolicy.Fold(name) != user.NameKey)
        {
            return new HubError(ErrorCode.Forbidden, "only your own account can be named, and only an account that is a server admin");
        }

        if (!user.IsAdmin)
        {
            return new HubError(ErrorCode.Forbidden, $"'{user.Name}' is not a server admin");
        }

        var verified = await _accounts.VerifyAsync(user.NameKey, password ?? "", address, cancellationToken).ConfigureAwait(false);
        return verified.Succeeded ? HubResult<string>.Ok(user.Name) : verified.Error!;
    }
}

/// <summary>A room's bans and mutes in force (<see cref="ChatHub.RoomSanctionsAsync"/>).</summary>
public sealed record RoomSanctionList(string Room, IReadOnlyList<SanctionEntry> Bans, IReadOnlyList<SanctionEntry> Mutes);

/// <summary>One ban or mute: whom (a folded user name), set by whom, when (unknown for mutes), until when (null: until lifted).</summary>
public sealed record SanctionEntry(string User, string By, DateTimeOffset? At, DateTimeOffset? Until);
