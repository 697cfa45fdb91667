namespace Piazza.Core.Cluster;

/// <summary>
/// Who is present in which room on the other nodes, as their signals told: node → room key → folded user name.
/// Kept for every room, loaded here or not, so a room loaded later, a listing and <c>who</c> know them. One short lock,
/// taken after a room's lock, never before it (rooms ask it while they decide what to announce).
/// </summary>
internal sealed class RemotePresence
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, Dictionary<string, PresentUser>>> _byNode = new(StringComparer.Ordinal);

    /// <summary>Every user present on another node, with the node: the admin's list of online users (docs/admin.md).</summary>
    public List<(string Node, PresentUser User)> Everyone()
    {
        lock (_gate)
        {
            return [.. _byNode.SelectMany(node => node.Value.Values.SelectMany(users => users.Values.Select(user => (node.Key, user))))];
        }
    }

    /// <summary>A user present in a room on a node; false when it knew that already.</summary>
    public bool Add(string node, PresentUser user)
    {
        lock (_gate)
        {
            if (!_byNode.TryGetValue(node, out var rooms))
            {
                _byNode[node] = rooms = new(StringComparer.Ordinal);
            }

            if (!rooms.TryGetValue(user.Room, out var users))
            {
                rooms[user.Room] = users = new(StringComparer.Ordinal);
            }

            return users.TryAdd(UserNamePolicy.Fold(user.User), user);
        }
    }

    /// <summary>A user no longer present in a room on a node; false when it was not.</summary>
    public bool Remove(string node, string room, string nameKey)
    {
        lock (_gate)
        {
            return _byNode.TryGetValue(node, out var rooms) && RemoveLocked(rooms, room, nameKey);
        }
    }

    /// <summary>A user left the room on every device: present on no node any more; false when no node had them.</summary>
    public bool RemoveEverywhere(string room, string nameKey)
    {
        lock (_gate)
        {
            var removed = false;
            foreach (var rooms in _byNode.Values)
            {
                removed |= RemoveLocked(rooms, room, nameKey);
            }

            return removed;
        }
    }

    /// <summary>
    /// Replaces what a node holds (its snapshot; empty when it is gone) and returns every user whose presence there
    /// changed, so the rooms concerned can announce the differences.
    /// </summary>
    public List<PresentUser> Replace(string node, IReadOnlyList<PresentUser> users)
    {
        var next = new Dictionary<string, Dictionary<string, PresentUser>>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            if (!next.TryGetValue(user.Room, out var inRoom))
            {
                next[user.Room] = inRoom = new(StringComparer.Ordinal);
            }

            inRoom[UserNamePolicy.Fold(user.User)] = user;
        }

        var changed = new List<PresentUser>();
        lock (_gate)
        {
            if (_byNode.TryGetValue(node, out var previous))
            {
                foreach (var (room, inRoom) in previous)
                {
                    changed.AddRange(inRoom.Where(p => !(next.TryGetValue(room, out var now) && now.ContainsKey(p.Key))).Select(p => p.Value));
                }
            }

            foreach (var (room, inRoom) in next)
            {
                changed.AddRange(inRoom.Where(p => previous is null || !previous.TryGetValue(room, out var before) || !before.ContainsKey(p.Key)).Select(p => p.Value));
            }

            if (next.Count == 0)
            {
                _byNode.Remove(node);
            }
            else
            {
                _byNode[node] = next;
            }
        }

        return changed;
    }

    /// <summary>Whether another node has the user present in the room.</summary>
    public bool IsPresent(string room, string nameKey)
    {
        lock (_gate)
        {
            foreach (var rooms in _byNode.Values)
            {
                if (rooms.TryGetValue(room, out var users) && users.ContainsKey(nameKey))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether another node has the user present in any room.</summary>
    public bool IsAnywhere(string nameKey)
    {
        lock (_gate)
        {
            return _byNode.Values.Any(rooms => rooms.Values.Any(users => users.ContainsKey(nameKey)));
        }
    }

    /// <summary>The user as another node holds them present in the room (the earliest since), if any: O(nodes).</summary>
    public PresentUser? Find(string room, string nameKey)
    {
        lock (_gate)
        {
            PresentUser? found = null;
            foreach (var rooms in _byNode.Values)
            {
                if (rooms.TryGetValue(room, out var users) && users.TryGetValue(nameKey, out var user) && (found is null || user.Since < found.Since))
                {
                    found = user;
                }
            }

            return found;
        }
    }

    /// <summary>Whether anyone is present in the room on another node.</summary>
    public bool AnyoneIn(string room)
    {
        lock (_gate)
        {
            return _byNode.Values.Any(rooms => rooms.ContainsKey(room));
        }
    }

    /// <summary>The users present in the room on other nodes, by folded name, each with the earliest since.</summary>
    public Dictionary<string, PresentUser> UsersIn(string room)
    {
        var merged = new Dictionary<string, PresentUser>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var rooms in _byNode.Values)
            {
                if (rooms.TryGetValue(room, out var users))
                {
                    foreach (var (nameKey, user) in users)
                    {
                        if (!merged.TryGetValue(nameKey, out var known) || user.Since < known.Since)
                        {
                            merged[nameKey] = user;
                        }
                    }
                }
            }
        }

        return merged;
    }

    private static bool RemoveLocked(Dictionary<string, Dictionary<string, PresentUser>> rooms, string room, string nameKey)
    {
        if (!rooms.TryGetValue(room, out var users) || !users.Remove(nameKey))
        {
            return false;
        }

        if (users.Count == 0)
        {
            rooms.Remove(room);
        }

        return true;
    }
}
