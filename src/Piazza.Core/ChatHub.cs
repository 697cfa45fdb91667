using System.Collections.Concurrent;

namespace Piazza.Core;

/// <summary>The outcome of a hello: a session, or the protocol error code and why.</summary>
public readonly record struct JoinResult(ChatSession? Session, string? ErrorCode, string? Problem)
{
    public bool Succeeded => Session is not null;
}

/// <summary>The outcome of a send: the stored message, or the protocol error code and why.</summary>
public readonly record struct SendResult(MessageEvent? Message, string? ErrorCode, string? Problem)
{
    public bool Succeeded => Message is not null;
}

/// <summary>
/// The chat domain: who is connected, the rooms, and fan-out. Doors call it after decoding their wire format;
/// it calls back only through <see cref="IChatConnection"/>, which never blocks, so no caller waits on a slow client.
/// </summary>
public sealed class ChatHub
{
    /// <summary>Error codes the hub returns; they match the protocol's.</summary>
    public static class Errors
    {
        public const string BadName = "bad_name";
        public const string NameTaken = "name_taken";
        public const string BadRequest = "bad_request";
        public const string TooLarge = "too_large";
        public const string NoSuchRoom = "no_such_room";
    }

    /// <summary>The name messages from the operator are sent under.</summary>
    public const string ServerName = "server";

    public const string LobbyName = "lobby";

    private readonly ConcurrentDictionary<string, ChatSession> _sessions = new(StringComparer.Ordinal);
    private readonly ChatRoom _lobby = new(LobbyName);
    private readonly ChatHubOptions _options;
    private readonly TimeProvider _time;
    private readonly IHubObserver? _observer;
    private volatile bool _shuttingDown;

    public ChatHub(ChatHubOptions options, TimeProvider time, IHubObserver? observer = null)
    {
        _options = options;
        _time = time;
        _observer = observer;
    }

    /// <summary>Every live session, in no particular order.</summary>
    public ICollection<ChatSession> Sessions => _sessions.Values;

    public bool IsShuttingDown => _shuttingDown;

    /// <summary>Admits a connection under a user name and puts it in the lobby.</summary>
    public JoinResult Join(IChatConnection connection, string? user)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!UserNamePolicy.IsValid(user, out var problem))
        {
            return new JoinResult(null, Errors.BadName, problem);
        }

        var session = new ChatSession(user!, connection, _time.GetUtcNow());
        if (!_sessions.TryAdd(session.FoldedName, session))
        {
            return new JoinResult(null, Errors.NameTaken, $"'{user}' is already connected");
        }

        var overflowed = new List<ChatSession>();
        var joined = new JoinedEvent(_lobby.Name, session.Name, session.ConnectedAt);
        _lobby.Add(session, users => new WelcomeEvent(session.Name, _lobby.Name, users, _options.Motd), joined, overflowed);
        _observer?.SessionJoined(session);
        DropSlowConsumers(overflowed);
        return new JoinResult(session, null, null);
    }

    /// <summary>Publishes a message from a session to a room it is in.</summary>
    public SendResult Send(ChatSession session, string? room, string? text)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new SendResult(null, Errors.BadRequest, "\"text\" must be a non-empty string");
        }

        if (text.Length > _options.MaxMessageChars)
        {
            return new SendResult(null, Errors.TooLarge, $"messages are at most {_options.MaxMessageChars} characters");
        }

        if (room is not null && !string.Equals(room, _lobby.Name, StringComparison.OrdinalIgnoreCase))
        {
            return new SendResult(null, Errors.NoSuchRoom, $"there is no room '{room}'");
        }

        session.CountMessage();
        return new SendResult(Publish(session.Name, text), null, null);
    }

    /// <summary>Sends an announcement from <see cref="ServerName"/> to the lobby.</summary>
    public MessageEvent Announce(string text) => Publish(ServerName, text);

    /// <summary>Who is in a room, in the order they joined; null when the room does not exist.</summary>
    public IReadOnlyList<PresenceEntry>? Who(string? room)
    {
        if (room is not null && !string.Equals(room, _lobby.Name, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return ChatRoom.Presence(_lobby.Members);
    }

    /// <summary>Retires a session; only the first call for a session has an effect. Safe from any thread.</summary>
    public void Leave(ChatSession session, string reason, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!session.TryEnd())
        {
            return;
        }

        _sessions.TryRemove(new KeyValuePair<string, ChatSession>(session.FoldedName, session));
        var overflowed = new List<ChatSession>();
        if (!_shuttingDown)
        {
            var tellLeaver = reason == "kicked";
            _lobby.Remove(session, new LeftEvent(_lobby.Name, session.Name, reason, message, _time.GetUtcNow()), tellLeaver, overflowed);
        }

        _observer?.SessionLeft(session, reason);
        DropSlowConsumers(overflowed);
    }

    /// <summary>Removes a user by name, telling everyone (the user included) why, then closes its connection.</summary>
    public bool Kick(string user, string? reason)
    {
        if (!_sessions.TryGetValue(UserNamePolicy.Fold(user), out var session))
        {
            return false;
        }

        Leave(session, "kicked", reason);
        session.Connection.Close(flush: true);
        return true;
    }

    /// <summary>Tells every session the server is stopping and asks each connection to close after flushing.</summary>
    public void Shutdown(string message)
    {
        _shuttingDown = true;
        var notice = new ShutdownEvent(message);
        foreach (var session in _sessions.Values)
        {
            session.Connection.TryEnqueue(notice);
            session.Connection.Close(flush: true);
        }
    }

    private MessageEvent Publish(string from, string text)
    {
        var overflowed = new List<ChatSession>();
        var now = _time.GetUtcNow();
        var message = _lobby.Publish(seq => new MessageEvent(Guid.CreateVersion7(now).ToString("N"), seq, _lobby.Name, from, text, now), overflowed);
        DropSlowConsumers(overflowed);
        return message;
    }

    private void DropSlowConsumers(List<ChatSession> overflowed)
    {
        foreach (var session in overflowed)
        {
            if (session.HasEnded)
            {
                continue;
            }

            _observer?.SlowConsumerDropped(session);
            session.Connection.Close(flush: false);
            Leave(session, "slow_consumer");
        }
    }
}
