namespace Piazza.Tui;

/// <summary>Sending what was typed to the conversation shown, pending on screen while the connection is down.</summary>
internal sealed partial class ChatController
{
    /// <summary>
    /// Sends <paramref name="text"/>; while disconnected the client library holds it for the next connection (in
    /// order, stored once) and the state shows it as pending until the server confirms it.
    /// </summary>
    private async Task<CommandResult> SendAsync(ConversationState conversation, string text, CancellationToken cancellationToken)
    {
        var pending = host.Read(() => state.AddPending(conversation, text));
        var result = await AttemptAsync($"not sent: {Shorten(text)}", async () =>
        {
            var sent = await (conversation.IsGroup && conversation.Group is { } group
                ? client.SendToGroupAsync(group, text, cancellationToken: cancellationToken)
                : conversation.IsPrivate
                ? client.SendPrivateAsync(conversation.Peer ?? conversation.Id, text, cancellationToken: cancellationToken)
                : client.SendAsync(conversation.Id, text, cancellationToken: cancellationToken)).ConfigureAwait(false);
            host.Post(() => state.ConfirmPending(pending, sent));
        }).ConfigureAwait(false);
        host.Post(() => state.SettlePending(pending));
        return result;
    }

    /// <summary><c>/msg bob,carol TEXT</c> sends to (and shows) that group conversation; without text it shows it if it exists.</summary>
    private async Task<CommandResult> MessageGroupAsync(ChatCommand.MsgGroup group, CancellationToken cancellationToken)
    {
        var names = string.Join(",", group.Users);
        if (group.Text.Length == 0)
        {
            host.Post(() =>
            {
                if (state.FindGroup(group.Users) is { } existing)
                {
                    state.SwitchTo(existing);
                }
                else
                {
                    state.AddError($"no conversation with {string.Join(", ", group.Users)} yet: /msg {names} TEXT starts one");
                }
            });
            return CommandResult.Done;
        }

        return await AttemptAsync($"/msg {names} failed", async () =>
        {
            var sent = await client.SendToGroupAsync(group.Users, group.Text, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (host.ShowsPrivateConversations)
            {
                // The echo may have come first, naming everyone as the server spells them: keep those names.
                host.Post(() => state.SwitchTo(state.Find(sent.Conversation) ?? state.EnsureGroup(sent.Conversation, group.Users)));
            }
        }).ConfigureAwait(false);
    }
}
