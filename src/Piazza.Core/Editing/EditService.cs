using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Messaging;
using Piazza.Core.Moderation;
using Piazza.Core.Online;
using Piazza.Protocol;

namespace Piazza.Core.Editing;

/// <summary>
/// Editing a delivered message (docs/protocol.md, "Edit"). Only its author edits it, and only an account: a guest's
/// identity key changes with every login and the store keeps no key for a guest's message, so nothing could prove a
/// guest wrote it (the same rule as an author's own delete). The new text passes the rule of <c>send</c>
/// (<see cref="MessageTextRule"/>) and counts against the sender's message bucket; a muted author cannot edit there.
/// The earlier texts are kept in the store for the room's moderators, owner and server admins (<see cref="VersionsAsync"/>).
/// </summary>
internal sealed class EditService(HubContext hub, ConversationCache conversations, OnlineDirectory online, Sanctions sanctions, Limits.FloodControl flood, SlowConsumers slowConsumers)
{
    private readonly MentionResolver _mentions = new(hub, online);

    /// <summary>Registers what every node (this one included) does with a <see cref="MessageEditedSignal"/>.</summary>
    public void Register(ClusterReceiver cluster) => cluster.On<MessageEditedSignal>(Apply);

    public async Task<HubResult<EditOutcome>> EditAsync(ChatSession session, string? messageId, string? text, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new HubError(ErrorCode.BadRequest, "\"text\" must be a non-empty string (delete a message to remove it)");
        }

        if (MessageTextRule.Check(text, hub.Options.MaxMessageChars) is { } badText)
        {
            return badText;
        }

        if (flood.TryAcquireMessage(session) is { } throttled)
        {
            return throttled;
        }

        var user = session.User;
        var found = await FindStandingAsync(user, messageId, cancellationToken).ConfigureAwait(false);
        if (found.Value is not { } visible)
        {
            return found.Error!;
        }

        var (stored, conversation) = visible;
        if (!user.IsRegistered || stored.FromAccount != user.Key)
        {
            return new HubError(ErrorCode.Forbidden, "you can edit only your own messages");
        }

        if (stored.File is not null && stored.Text.Length == 0)
        {
            return new HubError(ErrorCode.BadRequest, "this message is a file without text: there is no text to edit");
        }

        if (sanctions.MuteError(user, conversation) is { } muted)
        {
            return muted;
        }

        if (string.Equals(stored.Text, text, StringComparison.Ordinal))
        {
            return HubResult<EditOutcome>.Ok(new EditOutcome(conversation.Name, stored.MessageId, stored.Seq, stored.EditedAt, Changed: false));
        }

        var mentions = await _mentions.ResolveAsync(user, conversation, text, cancellationToken).ConfigureAwait(false);
        var now = hub.Now;
        var edited = await hub.Store.EditMessageAsync(stored.Conversation, stored.Seq, text, mentions, now, cancellationToken).ConfigureAwait(false);
        if (edited is null)
        {
            return MessageAccess.NoSuchMessage(messageId); // deleted meanwhile
        }

        hub.Enact(new MessageEditedSignal(stored.Conversation, stored.MessageId, stored.Seq, text, now, user.Name, mentions));
        return HubResult<EditOutcome>.Ok(new EditOutcome(conversation.Name, stored.MessageId, stored.Seq, now, Changed: true));
    }

    /// <summary>Every text the message had, oldest first, the current one last: for the room's moderators, owner and server admins.</summary>
    public async Task<HubResult<MessageVersions>> VersionsAsync(ChatSession session, string? messageId, CancellationToken cancellationToken)
    {
        var user = session.User;
        var found = await FindStandingAsync(user, messageId, cancellationToken).ConfigureAwait(false);
        if (found.Value is not { } visible)
        {
            return found.Error!;
        }

        var (stored, conversation) = visible;
        if (!MaySeeVersions(user, conversation))
        {
            return new HubError(ErrorCode.Forbidden, "only the room's moderators see a message's earlier versions");
        }

        var earlier = await hub.Store.ReadVersionsAsync(stored.Conversation, stored.Seq, cancellationToken).ConfigureAwait(false);
        return HubResult<MessageVersions>.Ok(new MessageVersions(
            conversation.Name, stored.MessageId, stored.Seq, [.. earlier, new(stored.Text, stored.EditedAt ?? stored.Timestamp)]));
    }

    /// <summary>
    /// Moderators, the owner and admins of a room; in a private or group conversation nobody moderates, so only a
    /// server admin who takes part in it.
    /// </summary>
    public static bool MaySeeVersions(ChatUser user, Conversation conversation)
        => conversation is ChatRoom room ? Ranks.In(room, user) >= ModerationRank.Moderator : user.IsAdmin;

    /// <summary>The message for <paramref name="user"/> if it is visible and not deleted; a deleted one answers as a missing one.</summary>
    private async Task<HubResult<VisibleMessage>> FindStandingAsync(ChatUser user, string? messageId, CancellationToken cancellationToken)
    {
        var found = await MessageAccess.FindVisibleAsync(hub.Store, conversations, user, messageId, null, cancellationToken).ConfigureAwait(false);
        return found.Value is { Stored.DeletedBy: not null } ? MessageAccess.NoSuchMessage(messageId) : found;
    }


    private void Apply(MessageEditedSignal s) => slowConsumers.Run(overflowed =>
    {
        if (conversations.Find(s.ConversationKey) is not { } conversation)
        {
            return;
        }

        var notice = new EditedEvent(conversation.Name, s.MessageId, s.Seq, s.Text, s.EditedAt, s.By, s.Mentions);
        conversation.Amend(
            s.Seq,
            kept => kept.Id == s.MessageId && kept.DeletedBy is null && !(kept.EditedAt > s.EditedAt) ? kept.AsEdited(s.Text, s.EditedAt, s.Mentions) : kept,
            notice,
            overflowed);
        conversation.RefreshQuotes(s.MessageId, s.Text); // held replies quote the new text, as history does
    });
}
