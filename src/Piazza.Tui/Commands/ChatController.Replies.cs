namespace Piazza.Tui;

/// <summary>Replies: <c>/reply N TEXT</c> sends TEXT quoting message #N of the conversation shown.</summary>
internal sealed partial class ChatController
{
    private async Task<CommandResult> ReplyAsync(ConversationState conversation, ChatCommand.Reply reply, CancellationToken cancellationToken)
    {
        var target = host.Read(() => conversation.Lines.LastOrDefault(l => l.Seq == reply.Seq && l.MessageId is not null));
        if (target?.MessageId is not { } messageId)
        {
            return Error($"no message #{reply.Seq} here to reply to");
        }

        if (target.Deleted)
        {
            return Error($"message #{reply.Seq} was deleted");
        }

        return await AttemptAsync(
            $"reply not sent: {Shorten(reply.Text)}",
            () => client.SendAsync(conversation.Id, reply.Text, reply: messageId, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
