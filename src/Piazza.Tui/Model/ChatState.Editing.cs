using Piazza.Client;

namespace Piazza.Tui;

/// <summary>Edits: an edited message's line takes the new text and shows "(edited)".</summary>
internal sealed partial class ChatState
{
    /// <summary>Our latest message in <paramref name="conversation"/> that can be edited (has text, not deleted); null if none.</summary>
    public ChatLine? LatestOwnEditable(ConversationState conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return conversation.Lines.LastOrDefault(l => l.Kind == ChatLineKind.OwnMessage && l.MessageId is not null && l.Seq is not null && !l.Deleted && l.File is null);
    }

    private void ApplyEdit(MessageEdited edited)
    {
        if (Find(edited.Conversation) is not { } holder)
        {
            return;
        }

        var own = string.Equals(edited.By, Self, StringComparison.OrdinalIgnoreCase);
        var mentionsMe = !own && IsMentionOfSelf(edited.Mentions);
        var replaced = holder.ReplaceMessage(edited.Seq, line => line with
        {
            Text = ChatLine.MessageText(edited.Text, line.File, line.File is { } file ? ShortFileId(file.Id) : null),
            Edited = true,
            MentionsMe = mentionsMe,
        });
        if (holder.FollowEdit(edited.Seq, edited.Text) | replaced) // replies held here quote the new text
        {
            LinesReplaced?.Invoke(holder);
        }
    }
}
