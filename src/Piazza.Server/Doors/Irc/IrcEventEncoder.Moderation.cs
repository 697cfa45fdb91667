using Piazza.Core;

namespace Piazza.Server.Doors.Irc;

/// <summary>Moderation on IRC: modes for roles, mutes and bans, and room settings.</summary>
public sealed partial class IrcEventEncoder
{
    private static byte[] EncodeModeration(ModerationEvent moderation) => [];

    private static byte[] EncodeRoomSet(Core.Rooms.RoomSetEvent roomSet) => [];
}
