using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Limits;
using Piazza.Core.Messaging;
using Piazza.Core.Moderation;
using Piazza.Core.Observability;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Reactions;

/// <summary>What a <c>react</c> or <c>unreact</c> did: the message's conversation (as clients name it), id, seq, the emoji as stored, and whether anything changed.</summary>
public sealed record ReactionOutcome(string Room, string MessageId, long Seq, string Emoji, bool On, bool Changed);

/// <summary>
/// Reactions to messages (docs/protocol.md, "Reactions"): anyone with an account who may read the conversation now
/// (<see cref="MessageAccess"/>) adds or removes an emoji (<see cref="ReactionEmoji"/>); the store keeps at most
/// <see cref="MaxDistinctEmoji"/> distinct ones per message. A change is stored first, then enacted on every node
/// (<see cref="ReactionChangedSignal"/>): the ring's copy of the message is amended and the conversation's listeners
/// hear <c>reaction</c>. Repeating a reaction, or removing one that is not there, changes nothing and tells nobody.
/// Guests may not react: their identity lasts one login, so they could never take a reaction back.
/// </summary>
internal sealed class ReactionService
{
    /// <summary>Most distinct emoji on one message: enough for any real conversation, small enough to show in one line.</summary>
    public const int MaxDistinctEmoji = 20;

    /// <summary>Reactions (adds and removes) one account may make per second, on average: a few clicks a second.</summary>
    public const double PerSecond = 2;

    /// <summary>Reactions one account may make at once: a burst of clicking through a picker.</summary>
    public const int Burst = 20;

    private readonly HubContext _hub;
    private readonly ConversationCache _conversations;
    private readonly Sanctions _sanctions;
    private readonly SlowConsumers _slowConsumers;
    private readonly KeyedTokenBuckets _buckets;

    public ReactionService(HubContext hub, ConversationCache conversations, Sanctions sanctions, SlowConsumers slowConsumers)
    {
        _hub = hub;
        _conversations = conversations;
        _sanctions = sanctions;
        _slowConsumers = slowConsumers;
        _buckets = new KeyedTokenBuckets(PerSecond, Burst, hub.Time);
        hub.Cluster.On<ReactionChangedSignal>(Apply);
    }

    /// <summary>Adds (<paramref name="on"/>) or removes the user's reaction <paramref name="emoji"/> to message <paramref name="messageId"/>.</summary>
    public async Task<HubResult<ReactionOutcome>> ReactAsync(ChatSession session, string? messageId, string? emoji, bool on, CancellationToken cancellationToken)
    {
        var user = session.User;
        if (!user.IsRegistered)
        {
            return new HubError(ErrorCode.Forbidden, "reactions are for accounts: register to react");
        }

        if (!ReactionEmoji.TryNormalize(emoji, out var normalized, out var problem))
        {
            return new HubError(ErrorCode.BadRequest, problem);
        }

        if (_buckets.TryTake(user.Key) is { } wait)
        {
            return HubMetrics.Refusal(RateLimitKind.Reactions, $"too many reactions; try again in {Math.Max(1, Math.Ceiling(wait.TotalSeconds)):0} s", wait);
        }

        var found = await MessageAccess.FindVisibleAsync(_hub.Store, _conversations, user, messageId, null, cancellationToken).ConfigureAwait(false);
        if (found.Value is not { } visible)
        {
            return found.Error!;
        }

        var (stored, conversation) = visible;
        if (stored.DeletedBy is not null)
        {
            return MessageAccess.NoSuchMessage(stored.MessageId);
        }

        if (_sanctions.MuteError(user, conversation) is { } muted)
        {
            return muted;
        }

        bool changed;
        if (on)
        {
            var added = await _hub.Store.AddReactionAsync(stored.Conversation, stored.Seq, normalized, user.Key, user.Name, _hub.Now, MaxDistinctEmoji, cancellationToken).ConfigureAwait(false);
            switch (added)
            {
                case ReactionChange.TooMany:
                    return new HubError(ErrorCode.TooManyReactions, $"a message carries at most {MaxDistinctEmoji} different reactions");
                case ReactionChange.NoMessage:
                    return MessageAccess.NoSuchMessage(stored.MessageId);
            }

            changed = added == ReactionChange.Added;
        }
        else
        {
            changed = await _hub.Store.RemoveReactionAsync(stored.Conversation, stored.Seq, normalized, user.Key, cancellationToken).ConfigureAwait(false);
        }

        if (changed)
        {
            _hub.Enact(new ReactionChangedSignal(stored.Conversation, stored.MessageId, stored.Seq, normalized, user.Name, on));
        }

        return HubResult<ReactionOutcome>.Ok(new ReactionOutcome(conversation.Name, stored.MessageId, stored.Seq, normalized, on, changed));
    }


    /// <summary>On every node: the loaded conversation's copy of the message changes and its listeners hear <c>reaction</c>.</summary>
    private void Apply(ReactionChangedSignal s)
    {
        if (_conversations.Find(s.ConversationKey) is not { } conversation)
        {
            return;
        }

        var notice = new ReactionEvent(conversation.Name, s.MessageId, s.Seq, s.Emoji, s.User, s.On);
        _slowConsumers.Run(o => conversation.Amend(
            s.Seq,
            kept => kept.Id == s.MessageId && kept.DeletedBy is null ? kept.WithReactions(ReactionSummary.Toggle(kept.Reactions, s.Emoji, s.User, s.On)) : kept,
            notice,
            o));
    }
}
