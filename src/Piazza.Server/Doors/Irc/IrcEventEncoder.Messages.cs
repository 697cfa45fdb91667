using Piazza.Core;

namespace Piazza.Server.Doors.Irc;

/// <summary>Message changes on IRC: deletions, edits, reactions, typing, pins, and the multiline form of a message.</summary>
public sealed partial class IrcEventEncoder
{
    private static byte[] EncodeDeleted(DeletedEvent deleted) => [];

    private static byte[] EncodeEdited(Core.Editing.EditedEvent edited) => [];

    private static byte[] EncodeReaction(ReactionEvent reaction) => [];

    private static byte[] EncodeTyping(TypingEvent typing) => [];

    private static byte[] EncodePin(Core.Pins.PinEvent pin) => [];

    /// <summary>Adds a message's draft/multiline batch form (for clients that negotiated it) to its plain lines.</summary>
    private static void AddMultiline(IrcWireLines.Builder lines, MessageEvent message)
    {
    }
}
