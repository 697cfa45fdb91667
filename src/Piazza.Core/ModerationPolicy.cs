namespace Piazza.Core;

/// <summary>Where someone stands in a room, lowest first. Server admins outrank everybody everywhere.</summary>
public enum ModerationRank
{
    Member = 0,
    Moderator = 1,
    Owner = 2,
    Admin = 3,
}

/// <summary>
/// Who may do what (docs/protocol.md, "Moderation"). Pure rules, so they are unit-tested on their own: moderators
/// (and above) moderate a room; only the owner and admins make moderators; nobody acts on someone of equal or
/// higher rank; server-wide actions are for admins.
/// </summary>
public static class ModerationPolicy
{
    public static ModerationRank RankOf(bool isAdmin, bool isOwner, bool isModerator)
        => isAdmin ? ModerationRank.Admin : isOwner ? ModerationRank.Owner : isModerator ? ModerationRank.Moderator : ModerationRank.Member;

    /// <summary>Kick, ban, mute (and their undoing) in a room, against a user of <paramref name="target"/> rank.</summary>
    public static bool CanActOn(ModerationRank actor, ModerationRank target) => actor >= ModerationRank.Moderator && actor > target;

    /// <summary>Unban needs no target rank: the banned user is out of the room.</summary>
    public static bool CanModerate(ModerationRank actor) => actor >= ModerationRank.Moderator;

    /// <summary>
    /// Lifting a room ban: a moderator and up, of at least the rank of whoever set it (as they stand now), so a
    /// moderator cannot undo the owner's or an admin's decision; moderators may lift each other's bans.
    /// </summary>
    public static bool CanLiftBan(ModerationRank actor, ModerationRank bannedBy) => CanModerate(actor) && actor >= bannedBy;

    /// <summary>Make or revoke a moderator.</summary>
    public static bool CanChangeModerators(ModerationRank actor, ModerationRank target) => actor >= ModerationRank.Owner && actor > target;

    /// <summary>
    /// Anyone may delete their own message; moderators may delete the messages of lower ranks in their room (the same
    /// rule as every other action: an owner cannot erase an admin's words).
    /// </summary>
    public static bool CanDelete(ModerationRank actor, bool isAuthor, ModerationRank author)
        => isAuthor || (actor >= ModerationRank.Moderator && actor > author);

    /// <summary>An unlocked topic is anyone's in the room; a locked one is for moderators.</summary>
    public static bool CanSetTopic(ModerationRank actor, bool topicLocked) => !topicLocked || actor >= ModerationRank.Moderator;

    public static bool CanLockTopic(ModerationRank actor) => actor >= ModerationRank.Moderator;

    /// <summary>Server-wide kick and ban (accounts and addresses) are for admins, and never against an admin.</summary>
    public static bool CanActServerWide(bool actorIsAdmin, bool targetIsAdmin) => actorIsAdmin && !targetIsAdmin;
}
