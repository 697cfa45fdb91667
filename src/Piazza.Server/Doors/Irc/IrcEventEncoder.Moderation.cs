using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>Moderation on IRC: modes for roles, mutes and bans, and room settings (<see cref="IrcModes"/> is the mapping).</summary>
public sealed partial class IrcEventEncoder
{
    /// <summary>
    /// A role change or a mute as the MODE line the room sees. A room kick or ban reaches its target as this event and
    /// the room (target included) as a <see cref="LeftEvent"/>, which is the KICK: nothing here. A server-wide kick or
    /// ban, told to the target's connections only before they close, is their ERROR.
    /// </summary>
    private static byte[] EncodeModeration(ModerationEvent moderation)
    {
        switch (moderation.Kind)
        {
            case ModerationEvent.RoleChanged when moderation.Room is { } room:
                return Mode(moderation.By, room, moderation.Detail == "moderator" ? "+o" : "-o", moderation.User, moderation.Timestamp);
            case ModerationEvent.Muted or ModerationEvent.Unmuted when moderation.Room is { } room:
                return Mode(moderation.By, room, moderation.Kind == ModerationEvent.Muted ? "+b" : "-b", IrcModes.MuteMask(moderation.User), moderation.Timestamp);
            case ModerationEvent.Kicked or ModerationEvent.Banned when moderation.Room is null:
                var verb = moderation.Kind == ModerationEvent.Kicked ? "kicked from" : "banned from";
                var until = moderation.Until is { } u ? " until " + WireTimestamp.Format(u) : "";
                var reason = moderation.Reason is { } r ? ": " + r : "";
                return new IrcLine().Command(null, "ERROR").Trailing($"Closing link: {verb} the server by {moderation.By}{until}{reason}").ToBytesWithHeader();
            default:
                return [];
        }
    }

    /// <summary>A room made private shows as +is (unlisted and invitation-only), made public as -is, as 324 shows it.</summary>
    private static byte[] EncodeRoomSet(Core.Rooms.RoomSetEvent roomSet)
        => Mode(roomSet.By, roomSet.Room, roomSet.Private ? "+is" : "-is", null, roomSet.Timestamp);

    /// <summary>A room's retention changed: a NOTICE from the server to the channel, in words ("alice set #dev to keep messages for 30 days").</summary>
    private byte[] EncodeRetention(Core.Retention.RetentionEvent retention)
    {
        var channel = IrcNames.Channel(retention.Room);
        var words = RetentionSources.Describe(retention.Retention.Days, retention.Retention.OwnDays is not null);
        return new IrcWireLines.Builder().Add(Stamped(retention.Timestamp).Command(ServerName, "NOTICE").Param(channel).Trailing($"{retention.By} set {channel} {words}")).ToArray();
    }

    /// <summary>A topic event that (un)locks the topic (the topic itself unchanged) is +t/-t.</summary>
    private static byte[] EncodeTopicLock(TopicEvent topic, bool locked)
        => Mode(topic.By, topic.Room, locked ? "+t" : "-t", null, topic.Timestamp);

    /// <summary>
    /// A room ban as IRC servers show one: the +b before the KICK of the departure. Not to the moderator who set it:
    /// their MODE reply said it (and says it too when the banned user was not in the room).
    /// </summary>
    private static void AddBanMode(IrcWireLines.Builder lines, LeftEvent left)
    {
        if (left is { Reason: LeaveReason.Banned, ServerWide: false, By: { } by })
        {
            lines.Add(ModeLine(by, left.Room, "+b", IrcModes.BanMask(left.User), left.Timestamp), flags: IrcLineFlags.NotToSelf);
        }
    }

    /// <summary><c>:by MODE #room modes [argument]</c>, stamped.</summary>
    public static IrcLine ModeLine(string by, string room, string modes, string? argument, DateTimeOffset at)
    {
        var line = Stamped(at).Command(IrcNames.Source(by), "MODE").Param(IrcNames.Channel(room)).Param(modes);
        return argument is null ? line : line.Param(argument);
    }

    private static byte[] Mode(string by, string room, string modes, string? argument, DateTimeOffset at)
        => new IrcWireLines.Builder().Add(ModeLine(by, room, modes, argument, at)).ToArray();
}
