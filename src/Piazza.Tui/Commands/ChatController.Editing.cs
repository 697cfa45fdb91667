namespace Piazza.Tui;

/// <summary>/edit N TEXT: the line with seq N in the open conversation, which must be ours.</summary>
internal sealed partial class ChatController
{
    private async Task<CommandResult> EditAsync(ConversationState conversation, string self, ChatCommand.Edit edit, CancellationToken cancellationToken)
    {
        var line = host.Read(() => conversation.Lines.LastOrDefault(l => l.Seq == edit.Seq && l.MessageId is not null));
        if (line is null || line.Deleted)
        {
            return Error($"no message #{edit.Seq} here to edit");
        }

        if (!string.Equals(line.Sender, self, StringComparison.OrdinalIgnoreCase))
        {
            return Error($"#{edit.Seq} is {line.Sender}'s message: you can edit only your own");
        }

        // The conversation hears "edited" (we too), which replaces the line's text.
        return await AttemptAsync($"/edit {edit.Seq} failed", () => client.EditAsync(line.MessageId!, edit.Text, cancellationToken)).ConfigureAwait(false);
    }
}
