namespace Piazza.Core;

/// <summary>
/// Someone added (<see cref="On"/>) or removed a reaction to message <see cref="MessageId"/> of <see cref="Room"/>
/// (a room's name or a private conversation's id): the <c>reaction</c> frame.
/// </summary>
public sealed class ReactionEvent(string room, string messageId, long seq, string emoji, string user, bool on) : ChatEvent
{
    public string Room { get; } = room;
    public string MessageId { get; } = messageId;
    public long Seq { get; } = seq;
    public string Emoji { get; } = emoji;
    public string User { get; } = user;
    public bool On { get; } = on;

    public override int EstimatedBytes => 128 + Utf8Bound(Room) + Utf8Bound(MessageId) + Utf8Bound(Emoji) + Utf8Bound(User);
}
