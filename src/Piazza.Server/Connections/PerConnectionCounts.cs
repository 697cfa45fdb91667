namespace Piazza.Server.Connections;

/// <summary>
/// How many of something one HTTP connection holds now, by Kestrel's connection id (which every HTTP/2 stream of a
/// connection shares): what lets a per-connection bound hold across HTTP/2 streams. Thread-safe; an id whose count
/// drops to zero is forgotten.
/// </summary>
public sealed class PerConnectionCounts
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>The counts of every connection together.</summary>
    public int Total
    {
        get
        {
            lock (_gate)
            {
                return _counts.Values.Sum();
            }
        }
    }

    /// <summary>
    /// Counts one more for <paramref name="connectionId"/> unless it holds <paramref name="max"/> already (0: no bound);
    /// the connection's count after it, or null when refused.
    /// </summary>
    public int? TryEnter(string connectionId, int max = 0)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        lock (_gate)
        {
            var held = _counts.GetValueOrDefault(connectionId);
            if (max > 0 && held >= max)
            {
                return null;
            }

            _counts[connectionId] = held + 1;
            return held + 1;
        }
    }

    /// <summary>Counts one fewer for <paramref name="connectionId"/> (one counted by <see cref="TryEnter"/>).</summary>
    public void Exit(string connectionId)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        lock (_gate)
        {
            var held = _counts.GetValueOrDefault(connectionId) - 1;
            if (held <= 0)
            {
                _counts.Remove(connectionId);
            }
            else
            {
                _counts[connectionId] = held;
            }
        }
    }
}
