using Piazza.Core.Conversations;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Messaging;

/// <summary>A stored message together with its conversation, found for a user who may read it.</summary>
internal sealed record VisibleMessage(StoredMessage Stored, Conversation Conversation);

/// <summary>
/// The one rule for acting on a message by id (delete, edit, react, reply, pin, versions): it exists and the user may
/// read its conversation now (a room they are in, or an admin; a private or group conversation they take part in).
/// Anything else is <c>no_such_message</c>, worded the same whether the message is missing or hidden, so ids leak nothing.
/// </summary>
internal static class MessageAccess
{
    /// <summary>The longest message id accepted (ids are 26-character ULID-like strings; this bounds bad input).</summary>
    public const int MaxIdLength = 64;

    /// <summary>
    /// Finds message <paramref name="messageId"/> for <paramref name="user"/>; with <paramref name="room"/>, it must
    /// also be in that conversation (its name or key).
    /// </summary>
    public static async Task<HubResult<VisibleMessage>> FindVisibleAsync(IChatStore store, ConversationCache conversations, ChatUser user, string? messageId, string? room, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(messageId) || messageId.Length > MaxIdLength)
        {
            return new HubError(ErrorCode.BadRequest, "\"msg\" must be a message id");
        }

        var stored = await store.FindMessageAsync(messageId, cancellationToken).ConfigureAwait(false);
        var conversation = stored is null ? null : await conversations.LoadAsync(stored.Conversation).ConfigureAwait(false);
        if (stored is null || conversation is null || !MayRead(user, conversation)
            || (room is not null && !string.Equals(room, conversation.Name, StringComparison.OrdinalIgnoreCase) && !string.Equals(room, conversation.Key, StringComparison.OrdinalIgnoreCase)))
        {
            return NoSuchMessage(messageId, room);
        }

        return HubResult<VisibleMessage>.Ok(new VisibleMessage(stored, conversation));
    }

    /// <summary>The one answer for a message that is missing, hidden or deleted: the same words in every case.</summary>
    public static HubError NoSuchMessage(string? messageId, string? room = null)
        => new(ErrorCode.NoSuchMessage, $"there is no message '{messageId}' you can see{(room is null ? "" : $" in '{room}'")}");

    /// <summary>Whether <paramref name="user"/> may read <paramref name="conversation"/> now.</summary>
    public static bool MayRead(ChatUser user, Conversation conversation) => conversation switch
    {
        ChatRoom r => user.IsInRoom(r.Key) || user.IsAdmin,
        DirectConversation d => Attacher.IsParticipant(d.Key, user.Key),
        _ => false,
    };
}
