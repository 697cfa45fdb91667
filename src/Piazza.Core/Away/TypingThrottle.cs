namespace Piazza.Core.Away;

/// <summary>
/// At most one typing notice per user and conversation every <paramref name="interval"/> (on the hub's clock); the
/// rest are dropped. Entries older than the interval are swept once the table grows, so it stays small.
/// </summary>
internal sealed class TypingThrottle(TimeProvider time, TimeSpan interval)
{
    private const int SweepAbove = 4096;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Identity, string Conversation), DateTimeOffset> _last = [];

    /// <summary>True when this notice may go out (and counts it); false when one went out less than the interval ago.</summary>
    public bool TryPass(string identity, string conversation)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_last.TryGetValue((identity, conversation), out var last) && now - last < interval)
            {
                return false;
            }

            if (_last.Count >= SweepAbove)
            {
                foreach (var stale in _last.Where(e => now - e.Value >= interval).Select(e => e.Key).ToList())
                {
                    _last.Remove(stale);
                }
            }

            _last[(identity, conversation)] = now;
            return true;
        }
    }
}
