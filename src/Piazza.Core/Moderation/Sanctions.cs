using Piazza.Core.Conversations;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Moderation;

/// <summary>
/// The sanctions in force as the errors hello, join and send get: bans (in memory, <see cref="BanList"/>) and mutes
/// (on the room). Judged against the hub's clock at check time; no store read.
/// </summary>
internal sealed class Sanctions(TimeProvider time)
{
    public BanList Bans { get; } = new();

    /// <summary>A server-wide ban in force against this name or (already normalised) address; null when none.</summary>
    public HubError? ServerBanError(string nameKey, string address, bool isAdmin)
    {
        var now = time.GetUtcNow();
        var ban = Bans.Find(null, BanKind.User, nameKey, now) ?? (isAdmin ? null : Bans.Find(null, BanKind.Address, address, now));
        return ban is null ? null : BannedError(ban, "this server", now);
    }

    /// <summary>A ban in force against the user in a room; null when none.</summary>
    public HubError? RoomBanError(ChatUser user, string roomKey, string roomName)
    {
        var now = time.GetUtcNow();
        return user.IsAdmin || Bans.Find(roomKey, BanKind.User, user.NameKey, now) is not { } ban ? null : BannedError(ban, $"'{roomName}'", now);
    }

    /// <summary>The mute in force against the user in a room, as the error a send gets; null when none.</summary>
    public HubError? MuteError(ChatUser user, Conversation conversation)
    {
        var now = time.GetUtcNow();
        if (conversation is not ChatRoom room || room.MuteOf(user.NameKey, now) is not { } mute)
        {
            return null;
        }

        return new HubError(
            ErrorCode.Muted,
            $"you are muted in '{room.Name}'{Until(mute.ExpiresAt)}{(mute.Reason is null ? "" : $": {mute.Reason}")}",
            mute.ExpiresAt - now);
    }

    private static HubError BannedError(BanRecord ban, string where, DateTimeOffset now)
        => new(ErrorCode.Banned, $"you are banned from {where}{Until(ban.ExpiresAt)}{(ban.Reason is null ? "" : $": {ban.Reason}")}", ban.ExpiresAt - now);

    private static string Until(DateTimeOffset? until) => until is { } u ? $" until {ModerationTerms.FormatUntil(u)}" : "";
}
