namespace Piazza.Core.Conversations;

/// <summary>
/// A conversation's connections (attached, or entering), changed and read under the conversation's lock. Adding,
/// removing and asking are O(1): a copy-on-write array cost O(N) per join, so filling a room of N was O(N²) memory
/// traffic. Order is not kept (a removal moves the last entry into the hole); nothing depends on it.
/// </summary>
internal sealed class SubscriberSet
{
    private readonly List<ChatSession> _items = [];
    private readonly Dictionary<ChatSession, int> _index = new(ReferenceEqualityComparer.Instance);

    public int Count => _items.Count;

    /// <summary>The connections, for iterating under the lock (never changed while a caller iterates).</summary>
    public List<ChatSession> Items => _items;

    public bool Contains(ChatSession session) => _index.ContainsKey(session);

    public bool Add(ChatSession session)
    {
        if (!_index.TryAdd(session, _items.Count))
        {
            return false;
        }

        _items.Add(session);
        return true;
    }

    public bool Remove(ChatSession session)
    {
        if (!_index.Remove(session, out var at))
        {
            return false;
        }

        var last = _items.Count - 1;
        if (at != last)
        {
            var moved = _items[last];
            _items[at] = moved;
            _index[moved] = at;
        }

        _items.RemoveAt(last);
        return true;
    }
}
