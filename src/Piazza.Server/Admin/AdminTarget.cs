using Piazza.Server.Doors.Http;

namespace Piazza.Server.Admin;

/// <summary>
/// What an admin command got: a value (with the next page's cursor for lists), or why not. <see cref="Code"/> is the
/// exit code: 0 done, 1 refused (the server's rules said no), 2 unusable (usage, unreachable server, no database).
/// </summary>
internal sealed record AdminReply<T>(T? Value, string? Next, string? Error, int Code)
{
    public static AdminReply<T> Ok(T value, string? next = null) => new(value, next, null, 0);

    public static AdminReply<T> Refused(string error) => new(default, null, error, 1);

    public static AdminReply<T> Unusable(string error) => new(default, null, error, 2);
}

/// <summary>
/// Where <c>piazza-server admin</c> acts: the data folder's database through a hub of its own, as the operator
/// (<see cref="DataFolderAdmin"/>), or a running server's admin API (<see cref="ApiAdmin"/>). Both answer with the
/// admin API's JSON records, so the commands print one way.
/// </summary>
internal interface IAdminTarget
{
    Task<AdminReply<List<AdminUserResponse>>> UsersAsync(string? cursor, int? limit, CancellationToken cancellationToken);

    Task<AdminReply<ModerationResponse>> KickAsync(string user, string? reason, CancellationToken cancellationToken);

    /// <summary>Bans a user (<paramref name="user"/>) or an address (<paramref name="address"/>) from the server.</summary>
    Task<AdminReply<ModerationResponse>> BanAsync(string? user, string? address, ModerationBody terms, CancellationToken cancellationToken);

    Task<AdminReply<bool>> UnbanAsync(string? user, string? address, CancellationToken cancellationToken);

    Task<AdminReply<List<AdminRoomResponse>>> RoomsAsync(string? cursor, int? limit, CancellationToken cancellationToken);

    Task<AdminReply<OwnerResponse>> SetOwnerAsync(string room, string owner, string? reason, CancellationToken cancellationToken);

    Task<AdminReply<DeletedResponse>> DeleteMessageAsync(string id, CancellationToken cancellationToken);

    Task<AdminReply<AnnouncementResponse>> AnnounceAsync(string text, CancellationToken cancellationToken);

    Task<AdminReply<List<AuditEntryResponse>>> AuditAsync(string? cursor, int? limit, CancellationToken cancellationToken);

    Task<AdminReply<PasswordResetResponse>> ResetPasswordAsync(string user, string? reason, CancellationToken cancellationToken);

    Task<AdminReply<AccountStateResponse>> SetDisabledAsync(string user, bool disabled, string? reason, CancellationToken cancellationToken);
}
