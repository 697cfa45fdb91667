namespace Piazza.Core.Storage;

/// <summary>
/// Moderation state: server admins, room moderators and topic locks, bans, mutes, deleted messages and the audit
/// log. Bans and mutes keep their expiry; the hub decides whether one is still in force.
/// </summary>
public interface IModerationStore
{
    Task<bool> IsAdminAsync(string accountKey, CancellationToken cancellationToken = default);

    /// <summary>Grants (or revokes) server admin; granting twice is not an error.</summary>
    Task SetAdminAsync(string accountKey, bool admin, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Account keys of every server admin, ordered.</summary>
    Task<IReadOnlyList<string>> AdminsAsync(CancellationToken cancellationToken = default);

    /// <summary>A room's moderators, topic lock and mutes (defaults for a room without any).</summary>
    Task<RoomModerationRecord> RoomModerationAsync(string roomKey, CancellationToken cancellationToken = default);

    Task SetModeratorAsync(string roomKey, string accountKey, bool moderator, CancellationToken cancellationToken = default);

    Task SetTopicLockAsync(string roomKey, bool locked, CancellationToken cancellationToken = default);

    /// <summary>Stores a ban and returns it with its id.</summary>
    Task<BanRecord> AddBanAsync(BanRecord ban, CancellationToken cancellationToken = default);

    /// <summary>Removes every ban of that scope, kind and target; returns how many there were.</summary>
    Task<int> RemoveBansAsync(string? roomKey, BanKind kind, string target, CancellationToken cancellationToken = default);

    /// <summary>Bans without expiry or expiring after <paramref name="now"/>, server-wide and per room.</summary>
    Task<IReadOnlyList<BanRecord>> ActiveBansAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Mutes (or replaces the mute of) a user in a room.</summary>
    Task SetMuteAsync(MuteRecord mute, CancellationToken cancellationToken = default);

    /// <summary>Removes a mute; false when there was none.</summary>
    Task<bool> RemoveMuteAsync(string roomKey, string userKey, CancellationToken cancellationToken = default);

    /// <summary>A stored message by its server id, or null.</summary>
    Task<StoredMessage?> FindMessageAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Blanks a message's text and file and records who deleted it; false when it is missing or deleted already. In the
    /// same transaction the file's share in that conversation goes too, unless another message there still carries the
    /// file, so a file whose every message is deleted is visible to its uploader only.
    /// </summary>
    Task<bool> MarkDeletedAsync(string conversation, long seq, string by, CancellationToken cancellationToken = default);

    Task AppendAuditAsync(AuditRecord entry, CancellationToken cancellationToken = default);

    /// <summary>The latest <paramref name="limit"/> audit entries, oldest first.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(int limit, CancellationToken cancellationToken = default);
}

public enum BanKind
{
    /// <summary>A user name (folded): an account, or a guest using that name.</summary>
    User,

    /// <summary>An IP address as the door reports it.</summary>
    Address,
}

/// <summary>A ban. <see cref="RoomKey"/> null means server-wide; <see cref="ExpiresAt"/> null means until lifted.</summary>
public sealed record BanRecord(long Id, string? RoomKey, BanKind Kind, string Target, string? Reason, string By, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt)
{
    public bool IsActive(DateTimeOffset now) => ExpiresAt is not { } until || until > now;
}

/// <summary>A user (folded name) muted in a room until <see cref="ExpiresAt"/> (null: until unmuted).</summary>
public sealed record MuteRecord(string RoomKey, string UserKey, string? Reason, string By, DateTimeOffset? ExpiresAt);

/// <summary>A room's moderation settings as stored.</summary>
public sealed record RoomModerationRecord(IReadOnlyList<string> Moderators, bool TopicLocked, IReadOnlyList<MuteRecord> Mutes);

/// <summary>One moderation action: who did what to whom, where, when and why.</summary>
public sealed record AuditRecord(long Id, DateTimeOffset At, string Actor, string Action, string? Target, string? Room, string? Reason, string? Detail);
