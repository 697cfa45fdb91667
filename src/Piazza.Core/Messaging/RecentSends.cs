namespace Piazza.Core.Messaging;

/// <summary>
/// The latest sends of one conversation that carried a client id, by (account, id): in flight or durable. It makes
/// idempotent sends a memory lookup; it is filled from the store when the conversation loads. Caller holds the
/// conversation's lock.
/// </summary>
internal sealed class RecentSends
{
    /// <summary>How many sends are remembered per conversation (docs/protocol.md, "Idempotent sends").</summary>
    public const int Capacity = 1000;

    private readonly Dictionary<(string Account, string ClientId), Task<SendOutcome>> _byId = [];
    private readonly Queue<(string Account, string ClientId)> _order = new();

    public Task<SendOutcome>? Find(string account, string clientId) => _byId.GetValueOrDefault((account, clientId));

    public void Remember(string account, string clientId, Task<SendOutcome> send)
    {
        if (!_byId.TryAdd((account, clientId), send))
        {
            _byId[(account, clientId)] = send;
            return;
        }

        _order.Enqueue((account, clientId));
        while (_order.Count > Capacity)
        {
            _byId.Remove(_order.Dequeue());
        }
    }

    public void Forget(string account, string clientId, Task<SendOutcome> failed)
    {
        if (_byId.TryGetValue((account, clientId), out var kept) && kept == failed)
        {
            _byId.Remove((account, clientId));
        }
    }
}
