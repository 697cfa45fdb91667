namespace Piazza.Core;

/// <summary>
/// A person as the hub sees them: a registered account or a guest, with all their live connections
/// (multi-device) and the rooms they are in. Presence is per user, delivery is per connection.
/// </summary>
public sealed class ChatUser
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _rooms = new(StringComparer.Ordinal);
    private ChatSession[] _sessions = [];

    /// <param name="guestKey">A guest's identity key (<see cref="IdentityKey.NewGuest"/>); a fresh one when null.</param>
    internal ChatUser(string name, bool registered, string? guestKey = null)
    {
        Name = name;
        IsRegistered = registered;
        NameKey = UserNamePolicy.Fold(name);
        Key = registered ? IdentityKey.OfAccount(NameKey) : guestKey ?? IdentityKey.NewGuest(NameKey);
    }

    public string Name { get; }

    /// <summary>Identity key (<see cref="IdentityKey"/>): the folded name for an account, unique per login for a guest.</summary>
    public string Key { get; private set; }

    /// <summary>The folded name, which no two online users share.</summary>
    public string NameKey { get; }

    public bool IsRegistered { get; private set; }

    /// <summary>A server admin (read from the store at login).</summary>
    public bool IsAdmin { get; internal set; }

    /// <summary>A bot account (read from the store at login): marked in user lists and on its messages.</summary>
    public bool IsBot { get; internal set; }

    public ChatSession[] Sessions => Volatile.Read(ref _sessions);

    /// <summary>Keys of the rooms the user is in.</summary>
    public string[] Rooms
    {
        get
        {
            lock (_gate)
            {
                return [.. _rooms];
            }
        }
    }

    internal bool IsInRoom(string roomKey)
    {
        lock (_gate)
        {
            return _rooms.Contains(roomKey);
        }
    }

    internal bool AddRoom(string roomKey)
    {
        lock (_gate)
        {
            return _rooms.Add(roomKey);
        }
    }

    /// <summary>Adds a room unless the user is in <paramref name="max"/> rooms already (0: no limit); false when full or already in it.</summary>
    internal bool TryAddRoom(string roomKey, int max)
    {
        lock (_gate)
        {
            return (max <= 0 || _rooms.Count < max) && _rooms.Add(roomKey);
        }
    }

    internal bool RemoveRoom(string roomKey)
    {
        lock (_gate)
        {
            return _rooms.Remove(roomKey);
        }
    }

    internal int RoomCount
    {
        get
        {
            lock (_gate)
            {
                return _rooms.Count;
            }
        }
    }

    internal void AddSession(ChatSession session)
    {
        lock (_gate)
        {
            _sessions = [.. _sessions, session];
        }
    }

    /// <summary>Removes a session; returns how many remain.</summary>
    internal int RemoveSession(ChatSession session)
    {
        lock (_gate)
        {
            _sessions = [.. _sessions.Where(s => s != session)];
            return _sessions.Length;
        }
    }

    /// <summary>A guest who registers its own name becomes that account.</summary>
    internal void BecomeRegistered()
    {
        IsRegistered = true;
        Key = NameKey;
    }
}
