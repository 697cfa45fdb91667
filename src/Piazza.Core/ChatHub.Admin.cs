using Piazza.Core.Admin;
using Piazza.Core.Moderation;

namespace Piazza.Core;

/// <summary>
/// Server administration (docs/admin.md): every operation needs a server admin's session (or the operator's,
/// <see cref="OperatorSession"/>), runs through the one moderation pipeline and is written to the audit log. Kick,
/// ban, unban and message deletion are the moderation calls themselves, server-wide.
/// </summary>
public sealed partial class ChatHub
{
    /// <summary>
    /// A session for the operator (the console, <c>piazza-server admin</c> on the data folder): an admin named
    /// <see cref="OperatorName"/> (a reserved name no account can take), never online, audited under that name.
    /// </summary>
    public ChatSession OperatorSession() => new(new ChatUser(OperatorName, registered: true) { IsAdmin = true }, OperatorConnection.Instance, _hub.Now, null);

    /// <summary>One page of the users online (on this node with doors and addresses; on others as they tell the cluster), by name.</summary>
    public Task<HubResult<OnlineUserPage>> OnlineUsersAsync(ChatSession session, string? cursor, int? limit, CancellationToken cancellationToken = default)
        => RunAsync(new ListOnlineUsersAction(_presence.Remote, cursor, limit), session, new ModerationRequest(null, null), cancellationToken);

    /// <summary>One page of every room, private ones included, with owner, members and users present.</summary>
    public Task<HubResult<AdminRoomPage>> AllRoomsAsync(ChatSession session, string? cursor, int? limit, CancellationToken cancellationToken = default)
        => RunAsync(new ListRoomsAction(key => _presence.Remote.UsersIn(key).Count, cursor, limit), session, new ModerationRequest(null, null), cancellationToken);

    /// <summary>One page of the audit log, newest first: entries before the id <paramref name="before"/> (from the newest when null).</summary>
    public Task<HubResult<AuditPage>> AuditPageAsync(ChatSession session, long? before, int? limit, CancellationToken cancellationToken = default)
        => RunAsync(new ReadAuditAction(before, limit), session, new ModerationRequest(null, null), cancellationToken);

    /// <summary>Makes an account the owner of a room. Returns the room's and the owner's names.</summary>
    public Task<HubResult<(string Room, string Owner)>> SetRoomOwnerAsync(ChatSession session, string? room, string? owner, string? reason = null, CancellationToken cancellationToken = default)
        => RunAsync(new RoomOwnerAction(room), session, new ModerationRequest(room, owner, Reason: reason), cancellationToken);

    /// <summary>Sends an announcement to the lobby from <see cref="ServerName"/>; answers with it once it is stored.</summary>
    public async Task<HubResult<Announcement>> AnnounceAsync(ChatSession session, string? text, CancellationToken cancellationToken = default)
    {
        var done = await RunAsync(new AnnounceAction(_messaging, text), session, new ModerationRequest(LobbyName, null), cancellationToken).ConfigureAwait(false);
        return done.Value?.Message is { } message ? HubResult<Announcement>.Ok(new Announcement(message.Room, message.Id, message.Seq)) : done.Error!;
    }

    /// <summary>Gives an account a new random password (returned once), revokes all its tokens and ends its sessions everywhere.</summary>
    public Task<HubResult<PasswordReset>> ResetPasswordAsync(ChatSession session, string? user, string? reason = null, CancellationToken cancellationToken = default)
        => RunAsync(new ResetPasswordAction(_accounts), session, new ModerationRequest(null, user, Reason: reason), cancellationToken);

    /// <summary>
    /// Disables (<paramref name="disabled"/>) or enables an account: a disabled one cannot log in or use a token on any
    /// door (<c>account_disabled</c>) and its live sessions end at once on every node. Returns the account's name.
    /// </summary>
    public Task<HubResult<string>> SetAccountDisabledAsync(ChatSession session, string? user, bool disabled, string? reason = null, CancellationToken cancellationToken = default)
        => RunAsync(new AccountDisabledAction(disabled), session, new ModerationRequest(null, user, Reason: reason), cancellationToken);

    /// <summary>Deletes any message an admin may read (rooms; never others' private conversations), through the one delete path.</summary>
    public async Task<HubResult<DeletedEvent>> AdminDeleteMessageAsync(ChatSession session, string? messageId, CancellationToken cancellationToken = default)
        => AdminRule.Refuse(session) is { } refused ? refused : await DeleteMessageAsync(session, null, messageId, cancellationToken).ConfigureAwait(false);

    private void StartAdmin() => _hub.Cluster.On<RoomOwnerChangedSignal>(signal => RoomOwnerAction.Apply(_conversations, signal));
}
