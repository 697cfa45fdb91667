using Piazza.Core.Moderation.Actions;
using Piazza.Core.Storage;

namespace Piazza.Core;

/// <summary>The moderation half of the facade: every action runs through the one <see cref="Moderation.ModerationPipeline"/>.</summary>
public sealed partial class ChatHub
{
    /// <summary>Longest reason in characters.</summary>
    public const int MaxReasonChars = ModerationTerms.MaxReasonChars;

    /// <summary>The actor the audit log names for the operator console and the admin command.</summary>
    public const string OperatorName = "operator";

    /// <summary>Longest ban or mute (<see cref="ModerationTerms.MaxDuration"/>).</summary>
    public static readonly TimeSpan MaxModerationDuration = ModerationTerms.MaxDuration;

    /// <summary>Removes a user from a room (with <c>room</c>) or, for admins, from the server.</summary>
    public Task<HubResult<ModerationOutcome>> KickAsync(ChatSession session, ModerationRequest request, CancellationToken cancellationToken = default)
        => RunAsync(KickAction.Instance, session, request, cancellationToken);

    /// <summary>
    /// Removes a user (every device) from the server, telling each room why; the connections are told <c>kicked</c>
    /// and close after flushing. For the operator console; recorded in the audit log as <paramref name="by"/>.
    /// </summary>
    public async Task<bool> KickAsync(string user, string? reason, string by = OperatorName)
        => (await _moderation.RunAsync(new OperatorKickAction(by), null, new ModerationRequest(null, user, Reason: reason), CancellationToken.None).ConfigureAwait(false)).Value;

    /// <summary>Bans a user from a room or the server, or an address from the server; optional expiry.</summary>
    public Task<HubResult<ModerationOutcome>> BanAsync(ChatSession session, ModerationRequest request, CancellationToken cancellationToken = default)
        => RunAsync(BanAction.Instance, session, request, cancellationToken);

    /// <summary>Lifts a room ban (room moderators), a server ban or an address ban (admins).</summary>
    public Task<HubResult<ModerationOutcome>> UnbanAsync(ChatSession session, ModerationRequest request, CancellationToken cancellationToken = default)
        => RunAsync(UnbanAction.Instance, session, request, cancellationToken);

    /// <summary>Mutes a user in a room (optional expiry): their sends there are refused with <c>muted</c>.</summary>
    public Task<HubResult<ModerationOutcome>> MuteAsync(ChatSession session, ModerationRequest request, CancellationToken cancellationToken = default)
        => RunAsync(MuteAction.Mute, session, request, cancellationToken);

    public Task<HubResult<ModerationOutcome>> UnmuteAsync(ChatSession session, ModerationRequest request, CancellationToken cancellationToken = default)
        => RunAsync(MuteAction.Unmute, session, request, cancellationToken);

    /// <summary>Makes (<paramref name="moderator"/>) or revokes a room moderator: the room's owner and admins only.</summary>
    public Task<HubResult<ModerationOutcome>> SetModeratorAsync(ChatSession session, ModerationRequest request, bool moderator, CancellationToken cancellationToken = default)
        => RunAsync(moderator ? RoleAction.Op : RoleAction.Deop, session, request, cancellationToken);

    /// <summary>Locks (only moderators change the topic) or unlocks (anyone in the room may) a room's topic.</summary>
    public Task<HubResult<string>> SetTopicLockAsync(ChatSession session, string? room, bool locked, CancellationToken cancellationToken = default)
        => RunAsync(locked ? TopicLockAction.Lock : TopicLockAction.Unlock, session, new ModerationRequest(room, null), cancellationToken);

    /// <summary>Deletes a stored message: its author (an account) may, and so may the room's moderators.</summary>
    public Task<HubResult<DeletedEvent>> DeleteMessageAsync(ChatSession session, string? room, string? messageId, CancellationToken cancellationToken = default)
        => RunAsync(new DeleteAction(messageId ?? ""), session, new ModerationRequest(room, null), cancellationToken);

    /// <summary>
    /// Makes an account a server admin, creating it with <paramref name="password"/> when it does not exist
    /// (for <c>piazza-server admin create</c>). Returns whether the account was created.
    /// </summary>
    public Task<HubResult<bool>> GrantAdminAsync(string name, string? password, CancellationToken cancellationToken = default)
        => _moderation.RunAsync(new GrantAdminAction(_accounts, password), null, new ModerationRequest(null, name), cancellationToken);

    /// <summary>Takes server admin away from an account (the account stays).</summary>
    public Task<HubResult<bool>> RevokeAdminAsync(string name, CancellationToken cancellationToken = default)
        => _moderation.RunAsync(RevokeAdminAction.Instance, null, new ModerationRequest(null, name), cancellationToken);

    /// <summary>Account keys of the server admins.</summary>
    public Task<IReadOnlyList<string>> AdminsAsync(CancellationToken cancellationToken = default) => _hub.Store.AdminsAsync(cancellationToken);

    /// <summary>The latest moderation audit entries, oldest first.</summary>
    public Task<IReadOnlyList<AuditRecord>> AuditLogAsync(int limit, CancellationToken cancellationToken = default) => _hub.Store.ReadAuditAsync(limit, cancellationToken);

    private Task<HubResult<T>> RunAsync<T>(Moderation.ModerationAction<T> action, ChatSession session, ModerationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        return _moderation.RunAsync(action, session, request, cancellationToken);
    }
}
