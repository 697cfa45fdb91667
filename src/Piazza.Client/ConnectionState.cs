namespace Piazza.Client;

/// <summary>Where the client stands.</summary>
public enum ConnectionState
{
    /// <summary>Not connected: before <see cref="PiazzaClient.ConnectAsync"/>, or after the client gave up (see the detail).</summary>
    Disconnected,
    Connecting,
    Connected,

    /// <summary>The connection was lost; the client is trying again with backoff. Requests wait for it.</summary>
    Reconnecting,

    /// <summary>Closed by <see cref="PiazzaClient.CloseAsync"/>; final.</summary>
    Closed,
}
