using Piazza.Core.Conversations;
using Piazza.Core.Replies;
using Piazza.Protocol;

namespace Piazza.Core.Messaging;

/// <summary>Replies: the quote a reply carries, of a message in the same conversation that the sender may read.</summary>
internal sealed partial class MessagingService
{
    /// <summary>
    /// The quote of message <paramref name="replyTo"/> for a reply in <paramref name="conversation"/>: looked up in
    /// the conversation's recent ring first (no store read for a recent message), then in the store through
    /// <see cref="MessageAccess"/>. Missing, hidden or deleted: <c>no_such_message</c>; a message the sender can
    /// see in another conversation: <c>bad_request</c>.
    /// </summary>
    private async Task<HubResult<ReplyQuote>> QuoteAsync(ChatUser user, Conversation conversation, string replyTo, CancellationToken cancellationToken)
    {
        if (replyTo.Length is 0 or > MessageAccess.MaxIdLength)
        {
            return new HubError(ErrorCode.BadRequest, "\"reply\" must be a message id");
        }

        if (conversation.FindHeld(replyTo) is { } held)
        {
            // Held in the conversation the sender is sending to, so the sender may read it.
            return held.DeletedBy is null
                ? HubResult<ReplyQuote>.Ok(ReplyQuote.Of(held.Id, held.Seq, held.From, held.Text, deleted: false))
                : Gone(replyTo);
        }

        var found = await MessageAccess.FindVisibleAsync(hub.Store, conversations, user, replyTo, null, cancellationToken).ConfigureAwait(false);
        if (!found.Succeeded)
        {
            return Gone(replyTo);
        }

        var stored = found.Value!.Stored;
        if (!string.Equals(stored.Conversation, conversation.Key, StringComparison.Ordinal))
        {
            return new HubError(ErrorCode.BadRequest, "a reply must be in the same conversation");
        }

        return stored.DeletedBy is null
            ? HubResult<ReplyQuote>.Ok(ReplyQuote.Of(stored.MessageId, stored.Seq, stored.From, stored.Text, deleted: false))
            : Gone(replyTo);
    }

    private static HubError Gone(string replyTo) => new(ErrorCode.NoSuchMessage, $"there is no message '{replyTo}' you can see to reply to");
}
