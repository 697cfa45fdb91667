namespace Piazza.Core;

/// <summary>
/// Something the hub tells connections: immutable and shared by every recipient. Each door encodes it
/// at most once per wire format (<see cref="GetEncoded"/>), however many connections receive it.
/// </summary>
public abstract class ChatEvent
{
    private byte[]?[]? _encodings;

    /// <summary>An upper estimate of the encoded size, used to bound outbound queues before encoding.</summary>
    public abstract int EstimatedBytes { get; }

    /// <summary>Returns this event's bytes in the encoder's wire format, encoding on first use only.</summary>
    public byte[] GetEncoded(IEventEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var slots = Volatile.Read(ref _encodings);
        if (slots is null)
        {
            Interlocked.CompareExchange(ref _encodings, new byte[]?[EventEncoderSlots.Count], null);
            slots = _encodings!;
        }

        var cached = Volatile.Read(ref slots[encoder.Slot]);
        if (cached is not null)
        {
            return cached;
        }

        // Encoding is CPU only (no I/O), so a short lock guarantees "once" without a lock across any socket work.
        lock (slots)
        {
            cached = slots[encoder.Slot];
            if (cached is null)
            {
                cached = encoder.Encode(this);
                Volatile.Write(ref slots[encoder.Slot], cached);
            }

            return cached;
        }
    }

    /// <summary>Rough UTF-8 size of a string: 3 bytes per UTF-16 unit bounds every code point.</summary>
    protected static int Utf8Bound(string? s) => s is null ? 0 : s.Length * 3;
}

/// <summary>Turns <see cref="ChatEvent"/>s into one wire format's bytes. One instance per format.</summary>
public interface IEventEncoder
{
    /// <summary>Cache slot of this format, from <see cref="EventEncoderSlots"/>.</summary>
    int Slot { get; }

    byte[] Encode(ChatEvent chatEvent);
}

/// <summary>Cache slots for the wire formats; a door's encoder claims one.</summary>
public static class EventEncoderSlots
{
    public const int JsonLines = 0;
    public const int JsonWebSocket = 1;
    public const int Irc = 2;
    public const int Count = 4;
}

/// <summary>A chat message in a room, with its room-wide sequence number.</summary>
public sealed class MessageEvent(string id, long seq, string room, string from, string text, DateTimeOffset timestamp) : ChatEvent
{
    public string Id { get; } = id;
    public long Seq { get; } = seq;
    public string Room { get; } = room;
    public string From { get; } = from;
    public string Text { get; } = text;
    public DateTimeOffset Timestamp { get; } = timestamp;

    public override int EstimatedBytes => 160 + Utf8Bound(Text) + Utf8Bound(From) + Utf8Bound(Room);
}

/// <summary>A user entered a room.</summary>
public sealed class JoinedEvent(string room, string user, DateTimeOffset timestamp) : ChatEvent
{
    public string Room { get; } = room;
    public string User { get; } = user;
    public DateTimeOffset Timestamp { get; } = timestamp;

    public override int EstimatedBytes => 96 + Utf8Bound(Room) + Utf8Bound(User);
}

/// <summary>A user left a room; <see cref="Reason"/> is one of the protocol's leave reasons.</summary>
public sealed class LeftEvent(string room, string user, string reason, string? message, DateTimeOffset timestamp) : ChatEvent
{
    public string Room { get; } = room;
    public string User { get; } = user;
    public string Reason { get; } = reason;
    public string? Message { get; } = message;
    public DateTimeOffset Timestamp { get; } = timestamp;

    public override int EstimatedBytes => 128 + Utf8Bound(Room) + Utf8Bound(User) + Utf8Bound(Message);
}

/// <summary>The first event a new session receives: who it is and who else is there.</summary>
public sealed class WelcomeEvent(string user, string room, IReadOnlyList<PresenceEntry> users, string? motd) : ChatEvent
{
    public string User { get; } = user;
    public string Room { get; } = room;
    public IReadOnlyList<PresenceEntry> Users { get; } = users;
    public string? Motd { get; } = motd;

    public override int EstimatedBytes => 160 + Utf8Bound(Motd) + (Users.Count * 80);
}

/// <summary>The server is going away; sent to everyone before connections close.</summary>
public sealed class ShutdownEvent(string message) : ChatEvent
{
    public string Message { get; } = message;

    public override int EstimatedBytes => 64 + Utf8Bound(Message);
}

/// <summary>One user present in a room, and since when.</summary>
public readonly record struct PresenceEntry(string User, DateTimeOffset Since);
