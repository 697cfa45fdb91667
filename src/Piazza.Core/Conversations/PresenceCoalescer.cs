namespace Piazza.Core.Conversations;

/// <summary>
/// A room's joins and leaves on their way to its listeners, under the room's lock. A quiet room announces each change
/// at once as today's single <c>joined</c>/<c>left</c>, up to a burst of <see cref="Burst"/> frames; beyond that, at
/// most one presence frame per <see cref="Interval"/>: changes wait and go out together when the next frame is due,
/// as one <see cref="PresenceEvent"/> (or a single frame when only one change waited). So a room's listeners hear a
/// few presence frames a second however many come and go (a token bucket: <see cref="Burst"/> frames, one more per
/// interval), and a quiet room behaves as before. Kicks and bans never wait (the room announces them itself and calls
/// <see cref="Forget"/>).
/// </summary>
internal sealed class PresenceCoalescer
{
    /// <summary>One more presence frame per interval: at most four a second, sustained.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Most users one <see cref="PresenceEvent"/> names in each list; beyond it only the totals and the count go out, so a
    /// frame stays small whatever the rate (otherwise every member would still receive every join: O(N²) bytes).
    /// </summary>
    public const int MaxNamed = 50;

    /// <summary>Frames a quiet room may send at once before changes wait (a few people arriving together are each told as before).</summary>
    public const int Burst = 5;

    // Waiting changes by folded name. A join remembers the entries counted when it was queued: a connection that
    // entered after it saw the user in its room state, so a leave before the flush must still be told.
    private readonly Dictionary<string, (PresenceEntry Entry, long Entries)> _joined = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PresenceDeparture> _left = new(StringComparer.Ordinal);
    private int _tokens = Burst;
    private DateTimeOffset? _refilledAt;
    private long _entries;

    public bool IsPending => _joined.Count > 0 || _left.Count > 0;

    /// <summary>True when a change at <paramref name="now"/> goes out at once (nothing waits and a frame is left in the bucket).</summary>
    public bool TryAnnounceNow(DateTimeOffset now)
    {
        Refill(now);
        if (IsPending || _tokens == 0)
        {
            return false;
        }

        _tokens--;
        return true;
    }

    /// <summary>How long until the waiting changes are due (the next frame in the bucket).</summary>
    public TimeSpan DueIn(DateTimeOffset now)
    {
        Refill(now);
        var due = _tokens > 0 || _refilledAt is not { } at ? TimeSpan.Zero : at + Interval - now;
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    /// <summary>A connection entered the room (it got the room's state as it is now, waiting changes included).</summary>
    public void Entered() => _entries++;

    public void Joined(string nameKey, PresenceEntry entry) => _joined[nameKey] = (entry, _entries);

    public void Left(string nameKey, PresenceDeparture departure)
    {
        // Joined and gone within the interval: nobody was told, unless someone entered in between (their state had them).
        if (_joined.Remove(nameKey, out var joined) && joined.Entries == _entries)
        {
            return;
        }

        _left[nameKey] = departure;
    }

    /// <summary>The room announces the user's departure itself (kick, ban): nothing about them waits any more.</summary>
    public void Forget(string nameKey)
    {
        _joined.Remove(nameKey);
        _left.Remove(nameKey);
    }

    /// <summary>
    /// Takes what waits as one event (null when nothing does): a single <c>joined</c>/<c>left</c> for one change, not told
    /// to the user it is about (<paramref name="except"/>), or a <see cref="PresenceEvent"/> for several, told to all.
    /// </summary>
    public ChatEvent? Drain(string room, DateTimeOffset now, int count, out string? except)
    {
        except = null;
        if (!IsPending)
        {
            return null;
        }

        Refill(now);
        _tokens = Math.Max(0, _tokens - 1);
        ChatEvent drained;
        if (_joined.Count + _left.Count == 1)
        {
            if (_joined.Count == 1)
            {
                var (nameKey, (entry, _)) = _joined.First();
                except = nameKey;
                drained = new JoinedEvent(room, entry.User, now) { Guest = entry.Guest, Away = entry.Away, Bot = entry.Bot };
            }
            else
            {
                var (nameKey, departure) = _left.First();
                except = nameKey;
                drained = new LeftEvent(room, departure.User, departure.Reason, departure.Message, now);
            }
        }
        else
        {
            drained = new PresenceEvent(room, [.. _joined.Values.Select(j => j.Entry).OrderBy(e => e.Since).Take(MaxNamed)], [.. _left.Values.Take(MaxNamed)], now)
            {
                Count = count,
                JoinedTotal = _joined.Count,
                LeftTotal = _left.Count,
            };
        }

        _joined.Clear();
        _left.Clear();
        return drained;
    }

    private void Refill(DateTimeOffset now)
    {
        if (_refilledAt is not { } at || _tokens == Burst)
        {
            _refilledAt = now;
            return;
        }

        var intervals = (now - at).Ticks / Interval.Ticks;
        if (intervals > 0)
        {
            _tokens = (int)Math.Min(Burst, _tokens + intervals);
            _refilledAt = _tokens == Burst ? now : at + (Interval * intervals);
        }
    }
}
