using Piazza.Core.Reactions;

namespace Piazza.Core;

/// <summary>The facade's reactions (docs/protocol.md, "Reactions").</summary>
public sealed partial class ChatHub
{
    private ReactionService _reactions = null!;

    /// <summary>
    /// Adds (<paramref name="on"/>) or removes the user's reaction to a message they may read; <paramref name="emoji"/>
    /// is one emoji or a <c>:shortcode:</c>. Repeating either is answered as done, with nothing changed.
    /// </summary>
    public Task<HubResult<ReactionOutcome>> ReactAsync(ChatSession session, string? messageId, string? emoji, bool on, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _reactions.ReactAsync(session, messageId, emoji, on, cancellationToken);
    }

    /// <summary>Builds the reaction service; called once by the constructor, before the cluster receiver starts.</summary>
    private void StartReactions(Delivery.SlowConsumers slowConsumers)
        => _reactions = new ReactionService(_hub, _conversations, _sanctions, slowConsumers);
}
