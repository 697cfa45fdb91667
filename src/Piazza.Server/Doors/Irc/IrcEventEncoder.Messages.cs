using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// Message changes on IRC: deletions, edits, reactions, typing, pins, and the multiline form of a message.
/// Each is said the IRCv3 way to clients that negotiated it; the fallbacks for the others are chosen here:
/// a deletion is a NOTICE <c>[deleted a message]</c>, an edit a PRIVMSG <c>[edited] new text</c> (IRC has no
/// ratified edit, so every client gets that line, linked to the original by <c>+draft/reply</c> where tags are on),
/// a pin a NOTICE; reactions and typing have no fallback (a line per emoji or keystroke would flood a channel).
/// </summary>
public sealed partial class IrcEventEncoder
{
    /// <summary>What marks an edit's line, as <c>[deleted]</c> and <c>[file]</c> mark theirs.</summary>
    public const string EditedMark = "[edited] ";

    /// <summary>The fallback text of a deletion for clients without draft/message-redaction.</summary>
    public const string DeletedNotice = "[deleted a message]";

    private static byte[] EncodeDeleted(DeletedEvent deleted)
    {
        var source = IrcNames.Source(deleted.By);
        var target = TargetFor(deleted.Room, deleted.By);
        return new IrcWireLines.Builder()
            .Add(Stamped(deleted.Timestamp).Command(source, "REDACT").Param(target).Param(deleted.MessageId), IrcCap.MessageRedaction, flags: IrcLineFlags.Echo)
            .Add(Stamped(deleted.Timestamp).Tag("+draft/reply", deleted.MessageId).Command(source, "NOTICE").Param(target).Trailing(DeletedNotice), excludes: IrcCap.MessageRedaction, flags: IrcLineFlags.Echo)
            .ToArray();
    }

    /// <summary>An edit: the new text as a marked PRIVMSG from its author (with no msgid: it is not a message of its own).</summary>
    private static byte[] EncodeEdited(Core.Editing.EditedEvent edited)
    {
        var lines = new IrcWireLines.Builder();
        var source = IrcNames.Source(edited.By);
        var target = TargetFor(edited.Room, edited.By);
        var texts = IrcTextLines.Split(EditedMark + edited.Text, TextBudget(source, target));
        foreach (var text in texts)
        {
            lines.Add(Stamped(edited.EditedAt).Tag("+draft/reply", edited.MessageId).Command(source, "PRIVMSG").Param(target).Trailing(text), flags: IrcLineFlags.Echo);
        }

        return lines.ToArray();
    }

    /// <summary>A reaction as the <c>+draft/react</c> (or <c>+draft/unreact</c>) client tag on a TAGMSG replying to the message.</summary>
    private static byte[] EncodeReaction(ReactionEvent reaction)
    {
        var line = new IrcLine().Tag(reaction.On ? "+draft/react" : "+draft/unreact", reaction.Emoji).Tag("+draft/reply", reaction.MessageId)
            .Command(IrcNames.Source(reaction.User), "TAGMSG").Param(TargetFor(reaction.Room, reaction.User));
        return new IrcWireLines.Builder().Add(line, IrcCap.MessageTags, flags: IrcLineFlags.Echo).ToArray();
    }

    private static byte[] EncodeTyping(TypingEvent typing)
    {
        var line = new IrcLine().Tag("+typing", "active").Command(IrcNames.Source(typing.User), "TAGMSG").Param(TargetFor(typing.Room, typing.User));
        return new IrcWireLines.Builder().Add(line, IrcCap.MessageTags, flags: IrcLineFlags.NotToSelf).ToArray();
    }

    /// <summary>A pin as a NOTICE from who pinned, naming the message by <c>+draft/reply</c> for clients that show it.</summary>
    private static byte[] EncodePin(Core.Pins.PinEvent pin)
    {
        var line = Stamped(pin.Timestamp).Tag("+draft/reply", pin.MessageId).Command(IrcNames.Source(pin.By), "NOTICE")
            .Param(TargetFor(pin.Room, pin.By)).Trailing(pin.Pinned ? "[pinned a message]" : "[unpinned a message]");
        return new IrcWireLines.Builder().Add(line, flags: IrcLineFlags.Echo).ToArray();
    }

    /// <summary>
    /// Adds a message's draft/multiline batch form (for clients that negotiated it; the plain lines exclude them):
    /// the message's tags on <c>BATCH +id</c>, one PRIVMSG per line of its text, a line cut to fit 512 bytes continued
    /// with <c>draft/multiline-concat</c>, so the batch joins back to the exact text. Every line has the sender as
    /// source (the closing one too), so the echo-message rule picks them all alike. The batch id is the message id's.
    /// </summary>
    private void AddMultiline(IrcWireLines.Builder lines, MessageEvent message)
    {
        var source = IrcNames.Source(message.From);
        var target = IrcNames.Target(message);
        var batch = "ml" + message.Id;
        lines.Add(MessageTags(message).Command(source, "BATCH").Param("+" + batch).Param("draft/multiline").Param(target), IrcCap.Multiline, flags: IrcLineFlags.Echo);
        var first = true;
        foreach (var (text, concat) in IrcTextLines.SplitForBatch(MessageText(message), TextBudget(source, target)))
        {
            var line = new IrcLine().Tag("batch", batch);
            if (concat)
            {
                line.Tag("draft/multiline-concat", null);
            }

            lines.Add(line.Command(source, "PRIVMSG").Param(target).Trailing(first ? IrcFormatting.ToIrc(text) : text), IrcCap.Multiline, flags: IrcLineFlags.Echo);
            first = false;
        }

        lines.Add(new IrcLine().Command(source, "BATCH").Param("-" + batch), IrcCap.Multiline, flags: IrcLineFlags.Echo);
    }

    /// <summary>
    /// The IRC target of a change made by <paramref name="actor"/> in <paramref name="room"/>: the channel; in a
    /// two-person conversation the other person's nick (what the actor's PRIVMSG named, so the line lands in the same
    /// query window on both sides); a group's id as it is.
    /// </summary>
    public static string TargetFor(string room, string actor)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (!DirectConversationId.TryParse(room, out var first, out var second))
        {
            return IrcNames.TargetOf(room);
        }

        var actorKey = UserNamePolicy.Fold(actor);
        return IdentityKey.NameKeyOf(first) == actorKey ? IdentityKey.NameKeyOf(second) : IdentityKey.NameKeyOf(first);
    }
}
