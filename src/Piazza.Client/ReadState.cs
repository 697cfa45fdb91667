namespace Piazza.Client;

/// <summary>
/// One conversation's read state for this account (<see cref="Welcome.Conversations"/>, <see cref="RoomEntered.ReadState"/>):
/// its newest <see cref="Seq"/>, the stored <see cref="Read"/> position (0 if none), the <see cref="Unread"/> messages
/// after it not sent by us (deleted ones not counted) and how many of them mention us (<see cref="Mentions"/>).
/// Messages with a seq above <see cref="Seq"/> arrive after the count: add them as they come.
/// </summary>
public sealed record ConversationReadState(string Conversation, long Seq, long Read, long Unread, long Mentions);

/// <summary>
/// The account read <see cref="Conversation"/> up to <see cref="Seq"/> on another device (or connection): clear its
/// unread and mention counts up to there. Never lower than a position told before.
/// </summary>
public sealed record ReadPositionChanged(string Conversation, long Seq) : PiazzaEvent;
