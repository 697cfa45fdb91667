using Piazza.Core.Conversations;

namespace Piazza.Core.Moderation;

/// <summary>Where a user or a moderation target stands in a room, for <see cref="ModerationPolicy"/>.</summary>
internal static class Ranks
{
    public static ModerationRank In(ChatRoom room, ChatUser user)
        => ModerationPolicy.RankOf(user.IsAdmin, room.Owner == user.Key, user.IsRegistered && room.IsModerator(user.Key));

    public static ModerationRank In(ChatRoom room, ModerationTarget target)
        => ModerationPolicy.RankOf(target.IsAdmin, room.Owner == target.Key, target.Registered && room.IsModerator(target.Key));
}

/// <summary>
/// Whom an action is aimed at: online (<see cref="Here"/> when on this node), or an account, or (bans only) a name
/// nobody uses yet. <see cref="IsOnline"/>: connected to some node of the cluster.
/// </summary>
internal sealed record ModerationTarget(string Name, string Key, string NameKey, bool Registered, bool IsAdmin, ChatUser? Here, bool IsOnline);
