using Piazza.Core;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// The one mapping between Piazza's names and IRC's: a room <c>dev</c> is channel <c>#dev</c>; a user is
/// <c>nick!nick@piazza</c> (Piazza shows no addresses, so every host is the same); a private conversation is the other
/// person's nick; a group conversation keeps its id (<c>@alice,bob,carol</c>), a target IRC clients open a query for.
/// </summary>
public static class IrcNames
{
    /// <summary>The host part of every user's mask.</summary>
    public const string Host = "piazza";

    public static string Source(string nick) => $"{nick}!{nick}@{Host}";

    public static string Channel(string room) => "#" + room;

    /// <summary>The room a channel names, or null when <paramref name="target"/> is not a channel.</summary>
    public static string? RoomOf(string target) => target.Length > 1 && target[0] == '#' ? target[1..] : null;

    /// <summary>Whether <paramref name="target"/> is a group conversation's id.</summary>
    public static bool IsGroup(string target) => target.Length > 1 && target[0] == '@';

    /// <summary>What a message is addressed to on IRC: the channel, the private recipient, or the group's id.</summary>
    public static string Target(MessageEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return !message.Room.StartsWith('@') ? Channel(message.Room) : message.To is { } to && !to.Contains(',', StringComparison.Ordinal) ? to : message.Room;
    }

    /// <summary>The IRC target of a conversation as clients see it: <c>#room</c>, or a private id kept as it is.</summary>
    public static string TargetOf(string room) => room.StartsWith('@') ? room : Channel(room);

    /// <summary>What a target names for the hub: a room or a group's id (<c>Room</c>), or the other user of a private conversation (<c>User</c>).</summary>
    public static (string? Room, string? User) ConversationOf(string target)
        => RoomOf(target) is { } room ? (room, null) : IsGroup(target) ? (target, null) : (null, target);
}
