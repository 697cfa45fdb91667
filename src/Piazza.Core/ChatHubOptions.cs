namespace Piazza.Core;

/// <summary>Domain policies of the hub. Immutable; the defaults are those documented in docs/protocol.md.</summary>
public sealed record ChatHubOptions
{
    /// <summary>Message of the day sent in <c>welcome</c>. Default: a short greeting.</summary>
    public string? Motd { get; init; } = "Welcome to Piazza.";

    /// <summary>Longest message text in characters (UTF-16 units). Default 4,000.</summary>
    public int MaxMessageChars { get; init; } = 4000;
}

/// <summary>Receives what happens in the hub, for logs and the operator console. Must not block.</summary>
public interface IHubObserver
{
    void SessionJoined(ChatSession session);

    void SessionLeft(ChatSession session, string reason);

    void SlowConsumerDropped(ChatSession session);
}
