using Piazza.Core.Away;
using Piazza.Core.Delivery;

namespace Piazza.Core;

/// <summary>The facade's away status and typing notices (docs/protocol.md, "Away and typing").</summary>
public sealed partial class ChatHub
{
    /// <summary>Longest away text in characters.</summary>
    public const int MaxAwayChars = AwayService.MaxAwayChars;

    private AwayService _away = null!;
    private TypingService _typing = null!;

    /// <summary>
    /// Sets the user's away status on all their devices and every node (<paramref name="text"/>: why; null or empty:
    /// back); those who share a room or an open private conversation with them hear <c>away</c>. Returns the text kept.
    /// </summary>
    public HubResult<string?> SetAway(ChatSession session, string? text)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _away.Set(session, text);
    }

    /// <summary>
    /// Tells the others in a room or private conversation that the user is typing; true when told, false when dropped
    /// (at most one every 3 s per user and conversation; muted; nobody to tell).
    /// </summary>
    public Task<HubResult<bool>> TypingAsync(ChatSession session, string? room, string? to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _typing.TypingAsync(session, room, to, cancellationToken);
    }

    /// <summary>Builds the away and typing services; called once by the constructor, before the cluster receiver starts.</summary>
    private void StartAwayAndTyping(SlowConsumers slowConsumers)
    {
        _away = new AwayService(_hub, _online, _conversations, _presence, slowConsumers);
        _typing = new TypingService(_hub, _online, _conversations, _rooms, _sanctions, slowConsumers);
    }
}
