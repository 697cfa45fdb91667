using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>Reactions (docs/protocol.md, "Reactions").</summary>
public sealed partial class PiazzaClient
{
    /// <summary>
    /// Adds the user's reaction <paramref name="emoji"/> (one emoji, or a <c>:shortcode:</c>) to a message; returns the
    /// emoji as stored. Reacting twice is not an error. Everyone in the conversation hears <see cref="ReactionChanged"/>.
    /// </summary>
    public Task<string> ReactAsync(string messageId, string emoji, CancellationToken cancellationToken = default)
        => ReactAsync(FrameTypes.React, messageId, emoji, cancellationToken);

    /// <summary>Takes back the user's reaction <paramref name="emoji"/> to a message (not an error when there is none); returns the emoji as stored.</summary>
    public Task<string> UnreactAsync(string messageId, string emoji, CancellationToken cancellationToken = default)
        => ReactAsync(FrameTypes.Unreact, messageId, emoji, cancellationToken);

    private async Task<string> ReactAsync(string type, string messageId, string emoji, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(emoji);

        // Repeating either after a reconnect is harmless: the server answers a repeat as done.
        var ok = await RequestAsync(new ClientFrame { Type = type, Msg = messageId, Emoji = emoji }, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        return ok.Emoji ?? emoji;
    }
}

/// <summary>Keeps a message's reactions current from <see cref="ReactionChanged"/> events, as the server orders them.</summary>
public static class ReactionSummaries
{
    /// <summary>
    /// <paramref name="reactions"/> with <paramref name="user"/> added to or removed from <paramref name="emoji"/>: a new
    /// emoji goes last, an emoji keeps its place while anyone has it, users stay in reaction order.
    /// </summary>
    public static IReadOnlyList<MessageReaction> Toggle(IReadOnlyList<MessageReaction> reactions, string emoji, string user, bool on)
    {
        ArgumentNullException.ThrowIfNull(reactions);
        var list = reactions.ToList();
        var index = list.FindIndex(r => r.Emoji == emoji);
        if (on && index < 0)
        {
            list.Add(new MessageReaction(emoji, [user]));
        }
        else if (on && !list[index].Users.Contains(user))
        {
            list[index] = list[index] with { Users = [.. list[index].Users, user] };
        }
        else if (!on && index >= 0)
        {
            var users = list[index].Users.Where(u => u != user).ToList();
            if (users.Count == 0)
            {
                list.RemoveAt(index);
            }
            else
            {
                list[index] = list[index] with { Users = users };
            }
        }

        return list;
    }
}
