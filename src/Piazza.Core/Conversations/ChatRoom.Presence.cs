using System.Globalization;
using Piazza.Core.Cluster;
using Piazza.Protocol;

namespace Piazza.Core.Conversations;

/// <summary>
/// Presence that scales: joins and leaves go to the listeners through a <see cref="PresenceCoalescer"/> (one frame
/// per interval, however many come and go), and the users present are kept in join order so a page of them (the
/// entering frame's first page, <c>who</c> with a cursor) costs O(page), not O(N) per join.
/// </summary>
internal sealed partial class ChatRoom
{
    private readonly PresenceCoalescer _coalescer = new();

    // This node's present users in the order pages list them: earliest since first, then folded name.
    private readonly SortedSet<(DateTimeOffset Since, string NameKey)> _order = new(PageOrder.Instance);
    private ITimer? _presenceTimer;

    private TimeProvider Clock => Cluster.PresenceTime;

    /// <summary>Users present on any node.</summary>
    public int PresentCount
    {
        get
        {
            lock (Gate)
            {
                return cluster.Remote.AnyoneIn(Key) ? PresentLocked().Count : _present.Count;
            }
        }
    }

    /// <summary>Users present on any node, earliest first.</summary>
    public IReadOnlyList<PresenceEntry> Presence()
    {
        lock (Gate)
        {
            return PresenceLocked();
        }
    }

    /// <summary>Whether the user is present on any node.</summary>
    public bool IsPresent(ChatUser user)
    {
        lock (Gate)
        {
            return IsPresentLocked(user.NameKey);
        }
    }

    /// <summary>Whether a user with this folded name is present on any node (mentions).</summary>
    public bool IsPresent(string nameKey)
    {
        lock (Gate)
        {
            return IsPresentLocked(nameKey);
        }
    }

    /// <summary>Users present on any node, a page of them, and the cursor after it; a bad cursor is null.</summary>
    public PresencePage? Page(string? cursor, int limit)
    {
        (DateTimeOffset Since, string NameKey)? after = null;
        if (cursor is not null)
        {
            if (ParseCursor(cursor) is not { } parsed)
            {
                return null;
            }

            after = parsed;
        }

        lock (Gate)
        {
            return PageLocked(after, limit);
        }
    }

    private PresencePage PageLocked((DateTimeOffset Since, string NameKey)? after, int limit)
    {
        var users = new List<PresenceEntry>(Math.Min(limit, 256));
        (DateTimeOffset Since, string NameKey) last = default;
        var more = false;
        int count;
        if (!Cluster.Remote.AnyoneIn(Key))
        {
            // This node alone holds the room: a walk of the ordered set from the cursor, O(log N + page).
            count = _present.Count;
            var view = after is { } from && _order.Count > 0
                ? (PageOrder.Instance.Compare(from, _order.Max) < 0 ? _order.GetViewBetween(from, _order.Max) : [])
                : _order;
            foreach (var key in view)
            {
                if (after is { } skip && PageOrder.Instance.Compare(key, skip) <= 0)
                {
                    continue;
                }

                if (users.Count == limit)
                {
                    more = true;
                    break;
                }

                var (user, since) = _present[key.NameKey];
                users.Add(new PresenceEntry(user.Name, since, !user.IsRegistered, Cluster.Away.Of(key.NameKey), user.IsBot));
                last = key;
            }
        }
        else
        {
            // Others nodes hold some: merged and sorted per call (O(N log N)), as before this change.
            var merged = PresentLocked();
            count = merged.Count;
            foreach (var (key, entry) in merged.Select(p => ((p.Value.Since, p.Key), p.Value)).OrderBy(p => p.Item1, PageOrder.Instance))
            {
                if (after is { } skip && PageOrder.Instance.Compare(key, skip) <= 0)
                {
                    continue;
                }

                if (users.Count == limit)
                {
                    more = true;
                    break;
                }

                users.Add(entry);
                last = key;
            }
        }

        return new PresencePage(Name, users, count, more ? FormatCursor(last) : null);
    }

    private void AddPresentLocked(ChatUser user, DateTimeOffset since)
    {
        _present[user.NameKey] = (user, since);
        _order.Add((since, user.NameKey));
    }

    private bool RemovePresentLocked(string nameKey)
    {
        if (!_present.Remove(nameKey, out var was))
        {
            return false;
        }

        _order.Remove((was.Since, nameKey));
        return true;
    }

    /// <summary>Tells the listeners a user joined: at once when the room was quiet, else with the next coalesced frame.</summary>
    private void AnnounceJoinedLocked(string nameKey, string userName, List<ChatSession> overflowed)
    {
        var now = Clock.GetUtcNow();
        var guest = IsGuestLocked(nameKey);
        var bot = IsBotLocked(nameKey);
        if (_coalescer.TryAnnounceNow(now))
        {
            BroadcastLocked(new JoinedEvent(Name, userName, now) { Guest = guest, Away = Cluster.Away.Of(nameKey), Bot = bot }, overflowed, exceptNameKey: nameKey);
            return;
        }

        var since = _present.TryGetValue(nameKey, out var here) ? here.Since : Cluster.Remote.Find(Key, nameKey)?.Since ?? now;
        _coalescer.Joined(nameKey, new PresenceEntry(userName, since, guest, Cluster.Away.Of(nameKey), bot));
        ArmLocked(now);
    }

    /// <summary>Tells the listeners a user left: kicks and bans at once, others as <see cref="AnnounceJoinedLocked"/>.</summary>
    private void AnnounceLeftLocked(string nameKey, LeftEvent left, List<ChatSession> overflowed, bool includingUser)
    {
        if (left.By is not null)
        {
            _coalescer.Forget(nameKey);
        }
        else if (!_coalescer.TryAnnounceNow(Clock.GetUtcNow()))
        {
            _coalescer.Left(nameKey, new PresenceDeparture(left.User, left.Reason, left.Message));
            ArmLocked(Clock.GetUtcNow());
            if (includingUser)
            {
                // The user's own connections (a leave of the room on every device) hear it now: they are going.
                foreach (var session in Listeners.Where(s => s.User.NameKey == nameKey).ToList())
                {
                    Enqueue(session, left, overflowed);
                }
            }

            return;
        }

        BroadcastLocked(left, overflowed, exceptNameKey: includingUser ? null : nameKey);
    }

    private void ArmLocked(DateTimeOffset now)
        => _presenceTimer ??= Clock.CreateTimer(_ => FlushPresence(), null, _coalescer.DueIn(now), Timeout.InfiniteTimeSpan);

    private void FlushPresence() => Cluster.SlowConsumers.Run(overflowed =>
    {
        lock (Gate)
        {
            _presenceTimer?.Dispose();
            _presenceTimer = null;
            var count = Cluster.Remote.AnyoneIn(Key) ? PresentLocked().Count : _present.Count;
            if (_coalescer.Drain(Name, Clock.GetUtcNow(), count, out var except) is { } drained)
            {
                BroadcastLocked(drained, overflowed, except);
            }
        }
    });

    /// <summary>A cursor names the last user of a page: its since (UTC ticks) and folded name.</summary>
    private static string FormatCursor((DateTimeOffset Since, string NameKey) key)
        => key.Since.UtcTicks.ToString(CultureInfo.InvariantCulture) + "." + key.NameKey;

    private static (DateTimeOffset Since, string NameKey)? ParseCursor(string cursor)
    {
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < cursor.Length - 1
            && long.TryParse(cursor.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? (new DateTimeOffset(ticks, TimeSpan.Zero), cursor[(dot + 1)..])
            : null;
    }

    /// <summary>Earliest since first; the folded name breaks ties (two users never share one).</summary>
    private sealed class PageOrder : IComparer<(DateTimeOffset Since, string NameKey)>
    {
        public static readonly PageOrder Instance = new();

        public int Compare((DateTimeOffset Since, string NameKey) x, (DateTimeOffset Since, string NameKey) y)
        {
            var bySince = x.Since.UtcTicks.CompareTo(y.Since.UtcTicks);
            return bySince != 0 ? bySince : string.CompareOrdinal(x.NameKey, y.NameKey);
        }
    }

    /// <summary>Present here or on another node, once each (the earliest since), earliest first.</summary>
    private List<PresenceEntry> PresenceLocked() => Ordered(PresentLocked());

    private static List<PresenceEntry> Ordered(Dictionary<string, PresenceEntry> present) => [.. present.Values.OrderBy(p => p.Since)];

    /// <summary>Present here or on another node, by folded name, each with the earliest since.</summary>
    private Dictionary<string, PresenceEntry> PresentLocked()
    {
        var present = new Dictionary<string, PresenceEntry>(StringComparer.Ordinal);
        foreach (var (nameKey, remote) in Cluster.Remote.UsersIn(Key))
        {
            present[nameKey] = new PresenceEntry(remote.User, remote.Since, remote.Guest, Cluster.Away.Of(nameKey), remote.Bot);
        }

        foreach (var (nameKey, (user, since)) in _present)
        {
            present[nameKey] = present.TryGetValue(nameKey, out var elsewhere) && elsewhere.Since < since ? elsewhere with { User = user.Name } : new PresenceEntry(user.Name, since, !user.IsRegistered, Cluster.Away.Of(nameKey), user.IsBot);
        }

        return present;
    }
}
