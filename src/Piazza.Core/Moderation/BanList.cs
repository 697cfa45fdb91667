using Piazza.Core.Storage;

namespace Piazza.Core.Moderation;

/// <summary>
/// The bans in force, in memory (loaded from the store at start, kept in step with it), so that hello, join and
/// every check cost no store read. Expiry is judged against the hub's clock at check time; no timers.
/// </summary>
internal sealed class BanList
{
    private readonly Lock _gate = new();
    private readonly List<BanRecord> _bans = [];

    public void Load(IEnumerable<BanRecord> bans)
    {
        lock (_gate)
        {
            _bans.AddRange(bans);
        }
    }

    /// <summary>Adds a ban unless it is here already (by its stored id).</summary>
    public void Add(BanRecord ban)
    {
        lock (_gate)
        {
            if (!_bans.Any(b => b.Id == ban.Id))
            {
                _bans.Add(ban);
            }
        }
    }

    /// <summary>Takes the bans in force as the store has them now; returns those this list did not hold.</summary>
    public IReadOnlyList<BanRecord> Replace(IReadOnlyList<BanRecord> inForce)
    {
        lock (_gate)
        {
            var known = _bans.Select(b => b.Id).ToHashSet();
            _bans.Clear();
            _bans.AddRange(inForce);
            return [.. inForce.Where(b => !known.Contains(b.Id))];
        }
    }

    public void Remove(string? roomKey, BanKind kind, string target)
    {
        lock (_gate)
        {
            _bans.RemoveAll(b => b.RoomKey == roomKey && b.Kind == kind && b.Target == target);
        }
    }

    /// <summary>Every ban in force on <paramref name="target"/> there (one per time it was banned and not lifted).</summary>
    public IReadOnlyList<BanRecord> FindAll(string? roomKey, BanKind kind, string target, DateTimeOffset now)
    {
        lock (_gate)
        {
            return [.. _bans.Where(b => b.RoomKey == roomKey && b.Kind == kind && b.Target == target && b.IsActive(now))];
        }
    }

    /// <summary>The ban in force with the latest expiry (a permanent one first), or null; expired bans are dropped.</summary>
    public BanRecord? Find(string? roomKey, BanKind kind, string target, DateTimeOffset now)
    {
        lock (_gate)
        {
            _bans.RemoveAll(b => !b.IsActive(now));
            BanRecord? found = null;
            foreach (var ban in _bans)
            {
                if (ban.RoomKey == roomKey && ban.Kind == kind && ban.Target == target
                    && (found is null || ban.ExpiresAt is null || (found.ExpiresAt is { } f && ban.ExpiresAt > f)))
                {
                    found = ban;
                }
            }

            return found;
        }
    }
}
