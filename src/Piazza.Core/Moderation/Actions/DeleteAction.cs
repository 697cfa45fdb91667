using System.Globalization;
using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Messaging;
using Piazza.Protocol;

namespace Piazza.Core.Moderation.Actions;

/// <summary>
/// Deletes a stored message: its author (an account) may, and so may the room's moderators (of lower-ranked
/// authors). The text is erased from the store, history shows it deleted, everyone listening hears <c>deleted</c>.
/// Deleting twice is not an error; a moderator's deletion is audited, an author's own is not.
/// </summary>
internal sealed class DeleteAction(string messageId) : ModerationAction<DeletedEvent>
{
    public override async Task<HubResult<ModerationPlan<DeletedEvent>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        var store = context.Hub.Store;
        var user = actor!.User;
        var found = await MessageAccess.FindVisibleAsync(store, context.Conversations, user, messageId, request.Room, cancellationToken).ConfigureAwait(false);
        if (found.Value is not { } visible)
        {
            return found.Error!;
        }

        var (stored, conversation) = visible;
        var isAuthor = user.IsRegistered && stored.FromAccount == user.Key;
        var rank = ModerationRank.Member;
        var authorRank = ModerationRank.Member;
        if (conversation is ChatRoom chatRoom)
        {
            rank = Ranks.In(chatRoom, user);
            if (!isAuthor && stored.FromAccount is { } authorKey)
            {
                var authorIsAdmin = await store.IsAdminAsync(authorKey, cancellationToken).ConfigureAwait(false);
                authorRank = ModerationPolicy.RankOf(authorIsAdmin, chatRoom.Owner == authorKey, chatRoom.IsModerator(authorKey));
            }
        }

        if (!ModerationPolicy.CanDelete(rank, isAuthor, authorRank))
        {
            return ModerationContext.Forbidden("you can delete only your own messages here");
        }

        var deleted = new DeletedEvent(conversation.Name, stored.MessageId, stored.Seq, user.Name, context.Hub.Now);
        if (stored.DeletedBy is not null)
        {
            return HubResult<ModerationPlan<DeletedEvent>>.Ok(new(deleted));
        }

        return HubResult<ModerationPlan<DeletedEvent>>.Ok(new(deleted)
        {
            Persist = async ct =>
            {
                await store.MarkDeletedAsync(stored.Conversation, stored.Seq, user.Name, ct).ConfigureAwait(false);
                return null;
            },
            Effect = () => new MessageDeletedSignal(stored.Conversation, stored.MessageId, stored.Seq, user.Name, deleted.Timestamp),
            Audit = isAuthor ? null : new AuditEntry(user.Name, "delete", stored.From, conversation.Name, null, $"msg {stored.MessageId} (seq {stored.Seq.ToString(CultureInfo.InvariantCulture)})"),
        });
    }
}
