namespace Piazza.Core.Messaging;

/// <summary>
/// The latest sends of one conversation that carried a client id, by (sender's identity key, id): in flight or
/// durable, each with what it said, so a repeat is told apart from a reuse (<see cref="SendContent"/>). It makes
/// idempotent sends a memory lookup; it is filled from the store when the conversation loads. Caller holds the
/// conversation's lock.
/// </summary>
internal sealed class RecentSends
{
    /// <summary>How many sends are remembered per conversation (docs/protocol.md, "Idempotent sends").</summary>
    public const int Capacity = 1000;

    private readonly Dictionary<(string Sender, string ClientId), (Task<SendOutcome> Send, SendContent Content)> _byId = [];
    private readonly Queue<(string Sender, string ClientId)> _order = new();

    public (Task<SendOutcome> Send, SendContent Content)? Find(string sender, string clientId)
        => _byId.TryGetValue((sender, clientId), out var found) ? found : null;

    public void Remember(string sender, string clientId, Task<SendOutcome> send, SendContent content)
    {
        if (!_byId.TryAdd((sender, clientId), (send, content)))
        {
            _byId[(sender, clientId)] = (send, content);
            return;
        }

        _order.Enqueue((sender, clientId));
        while (_order.Count > Capacity)
        {
            _byId.Remove(_order.Dequeue());
        }
    }

    /// <summary>Forgets the id when it still stands for <paramref name="send"/> (a failed send, or one refused as a conflict by the store).</summary>
    public void Forget(string sender, string clientId, Task<SendOutcome> send)
    {
        if (_byId.TryGetValue((sender, clientId), out var kept) && kept.Send == send)
        {
            _byId.Remove((sender, clientId));
        }
    }
}
