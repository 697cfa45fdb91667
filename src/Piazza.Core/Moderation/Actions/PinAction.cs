using System.Globalization;
using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Messaging;
using Piazza.Core.Pins;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Moderation.Actions;

/// <summary>
/// Pins (<paramref name="pin"/>) or unpins a message of a conversation the actor may read (docs/protocol.md, "Pins"):
/// in a room its moderators, owner and server admins may; in a two-person or group conversation every participant.
/// At most <see cref="PinRules.MaxPins"/> per conversation; a repeat is a no-op answered ok. Audited in rooms.
/// </summary>
internal sealed class PinAction(string? messageId, bool pin) : ModerationAction<PinEvent>
{
    public override async Task<HubResult<ModerationPlan<PinEvent>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        var store = context.Hub.Store;
        var user = actor!.User;
        var found = await MessageAccess.FindVisibleAsync(store, context.Conversations, user, messageId, request.Room, cancellationToken).ConfigureAwait(false);
        if (found.Value is not { } visible)
        {
            return found.Error!;
        }

        var (stored, conversation) = visible;
        if (stored.DeletedBy is not null)
        {
            // Deleted messages are never pinned, and say no more than a missing one.
            return MessageAccess.NoSuchMessage(stored.MessageId);
        }

        if (conversation is ChatRoom room && !ModerationPolicy.CanModerate(Ranks.In(room, user)))
        {
            return ModerationContext.Forbidden($"only the owner, the moderators and server admins can {(pin ? "pin" : "unpin")} messages in '{room.Name}'");
        }

        var now = context.Hub.Now;
        var result = new PinEvent(conversation.Name, stored.MessageId, stored.Seq, user.Name, now, pin);
        if (conversation.IsPinned(stored.Seq) == pin)
        {
            return HubResult<ModerationPlan<PinEvent>>.Ok(new(result)); // pinned (or unpinned) already: nothing to do
        }

        return HubResult<ModerationPlan<PinEvent>>.Ok(new(result)
        {
            Persist = async ct =>
            {
                if (!pin)
                {
                    await store.UnpinAsync(stored.Conversation, stored.Seq, ct).ConfigureAwait(false);
                    return null;
                }

                var outcome = await store.PinAsync(new PinRecord(stored.Conversation, stored.Seq, stored.MessageId, user.Name, now), PinRules.MaxPins, ct).ConfigureAwait(false);
                return outcome switch
                {
                    PinOutcome.Full => new HubError(ErrorCode.TooManyPins, $"'{conversation.Name}' has {PinRules.MaxPins} pinned messages, the most it may hold: unpin one first"),
                    PinOutcome.NoMessage => MessageAccess.NoSuchMessage(stored.MessageId),
                    _ => null,
                };
            },
            Effect = () => new MessagePinnedSignal(stored.Conversation, stored.MessageId, stored.Seq, user.Name, now, pin),
            Audit = conversation is ChatRoom
                ? new AuditEntry(user.Name, pin ? "pin" : "unpin", stored.From, conversation.Name, null, $"msg {stored.MessageId} (seq {stored.Seq.ToString(CultureInfo.InvariantCulture)})")
                : null,
        });
    }
}
