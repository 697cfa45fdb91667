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
            var sent = await (conversation.IsPrivate
                ? client.SendPrivateAsync(conversation.Peer ?? conversation.Id, text, cancellationToken: cancellationToken)
                : client.SendAsync(conversation.Id, text, cancellationToken: cancellationToken)).ConfigureAwait(false);
            host.Post(() => state.ConfirmPending(pending, sent));
        }).ConfigureAwait(false);
        host.Post(() => state.SettlePending(pending));
        return result;
    }
}
