using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>Sending, optionally as a reply to an earlier message of the same conversation.</summary>
public sealed partial class PiazzaClient
{
    /// <summary>
    /// Posts a message to a room or conversation (<paramref name="room"/>: a room name or a private or group
    /// conversation id such as <c>@alice,bob</c>) and returns once it is durable. If the connection drops before the
    /// answer, the same message (same id) is sent again after reconnecting and the server stores it once.
    /// <paramref name="messageId"/> is the send's id (unique per account; a repeat with the same id is recognised); null
    /// lets the client choose one. With <paramref name="reply"/> (the <see cref="ChatMessage.Id"/> of a message of the
    /// same conversation) the message quotes it (<see cref="ChatMessage.Reply"/>); refusals: <c>no_such_message</c>
    /// (missing, deleted or not ours to see), <c>bad_request</c> (another conversation's message).
    /// </summary>
    public Task<SentMessage> SendAsync(string room, string text, string? messageId = null, string? reply = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        ArgumentNullException.ThrowIfNull(text);
        return SendFrameAsync(new ClientFrame { Type = FrameTypes.Send, Room = room, Text = text, Id = messageId, Reply = reply }, room, cancellationToken);
    }
}
