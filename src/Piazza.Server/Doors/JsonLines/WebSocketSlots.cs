namespace Piazza.Server.Doors.JsonLines;

/// <summary>
/// Open WebSockets per HTTP connection (Kestrel's connection id, which every HTTP/2 stream of a connection shares).
/// Over HTTP/2 (RFC 8441 extended CONNECT) one TCP connection could carry a WebSocket per stream, each a full
/// line-protocol connection with its own outbox, while the per-address limit counts the TCP connection once; at
/// most <see cref="PerConnection"/> keeps "connections per address × one outbox" the memory bound. An HTTP/1.1
/// upgrade is its own connection, so it never meets the limit.
/// </summary>
public sealed class WebSocketSlots
{
    /// <summary>One: a page's single socket keeps working over a shared HTTP/2 connection.</summary>
    public const int PerConnection = 1;

    private readonly Lock _gate = new();

    // Connection id → whether a refusal on that connection was logged already (one log line per connection).
    private readonly Dictionary<string, bool> _open = new(StringComparer.Ordinal);

    /// <summary>WebSockets open now on every connection together.</summary>
    public int Open
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>
    /// Takes the slot of <paramref name="connectionId"/>; false when a WebSocket holds it. <paramref name="firstRefusal"/>
    /// is true on the first refusal on that connection only, so a client retrying in a loop logs one line.
    /// </summary>
    public bool TryEnter(string connectionId, out bool firstRefusal)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        lock (_gate)
        {
            if (_open.TryGetValue(connectionId, out var logged))
            {
                firstRefusal = !logged;
                _open[connectionId] = true;
                return false;
            }

            _open[connectionId] = false;
            firstRefusal = false;
            return true;
        }
    }

    /// <summary>Gives back the slot taken by <see cref="TryEnter"/>.</summary>
    public void Exit(string connectionId)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        lock (_gate)
        {
            _open.Remove(connectionId);
        }
    }
}
