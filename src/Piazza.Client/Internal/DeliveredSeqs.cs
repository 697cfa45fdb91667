using System.Collections.Concurrent;

namespace Piazza.Client.Internal;

/// <summary>
/// Per conversation: the highest seq seen (the resume point sent in every hello) and the recent seqs delivered, so
/// that a message that comes twice (in a resume replay and live, from whichever node answered) is delivered once.
/// Seqs belong to the conversation, not to a server: every node numbers a conversation alike.
/// </summary>
internal sealed class DeliveredSeqs
{
    /// <summary>
    /// Recent seqs remembered per conversation. A repeat can only come from around the resume point (the replay after
    /// a reconnect overlapping what arrives live), so a short window bounds memory without missing one.
    /// </summary>
    public const int Window = 256;

    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, long> _highest = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SortedSet<long>> _recent = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The highest seq seen per conversation.</summary>
    public IReadOnlyDictionary<string, long> Highest => _highest;

    /// <summary>Records a delivered seq; false when it was delivered already (the caller drops the repeat).</summary>
    public bool TryAdd(string conversation, long seq)
    {
        lock (_lock)
        {
            if (!_recent.TryGetValue(conversation, out var recent))
            {
                _recent[conversation] = recent = [];
            }

            if (!recent.Add(seq))
            {
                return false;
            }

            if (recent.Count > Window)
            {
                recent.Remove(recent.Min);
            }

            _highest.AddOrUpdate(conversation, seq, (_, old) => Math.Max(old, seq));
            return true;
        }
    }

    /// <summary>Forgets a conversation we left: joining it again replays its recent messages, which are then new here.</summary>
    public void Forget(string conversation)
    {
        lock (_lock)
        {
            _recent.Remove(conversation);
            _highest.TryRemove(conversation, out _);
        }
    }
}
