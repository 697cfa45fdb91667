namespace Piazza.Tui;

/// <summary>Typing notices: sent while the user types a message (not a command), at most one per conversation every 3 s.</summary>
internal sealed partial class ChatController
{
    /// <summary>As often as the server passes them on: more would only be dropped there.</summary>
    public static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(3);

    private readonly Dictionary<string, DateTimeOffset> _typingSent = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The input now holds <paramref name="draft"/> in <paramref name="conversation"/>: tells the others we are typing,
    /// unless it is empty or a command, or we told them less than <see cref="TypingInterval"/> ago. True when sent.
    /// </summary>
    public bool NoteTyping(ConversationState conversation, string? draft)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (string.IsNullOrWhiteSpace(draft) || (draft.StartsWith('/') && !draft.StartsWith("//", StringComparison.Ordinal))
            || client.State != Piazza.Client.ConnectionState.Connected)
        {
            return false;
        }

        var now = client.Options.TimeProvider.GetUtcNow();
        if (_typingSent.TryGetValue(conversation.Id, out var last) && now - last < TypingInterval)
        {
            return false;
        }

        _typingSent[conversation.Id] = now;
        _ = conversation.IsPrivate && conversation.Peer is { } peer ? client.SendTypingToAsync(peer) : client.SendTypingAsync(conversation.Id);
        return true;
    }
}
