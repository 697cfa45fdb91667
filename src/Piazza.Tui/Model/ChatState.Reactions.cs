using Piazza.Client;

namespace Piazza.Tui;

/// <summary>Reactions: a <see cref="ReactionChanged"/> updates the counts on its message's line, if the line is held.</summary>
internal sealed partial class ChatState
{
    private void ApplyReaction(ReactionChanged reaction)
    {
        if (Find(reaction.Conversation) is { } conversation
            && conversation.ReplaceMessage(reaction.Seq, line => line.MessageId == reaction.MessageId && !line.Deleted
                ? line with { Reactions = ReactionSummaries.Toggle(line.Reactions, reaction.Emoji, reaction.User, reaction.On) }
                : line))
        {
            LinesReplaced?.Invoke(conversation);
        }
    }
}
