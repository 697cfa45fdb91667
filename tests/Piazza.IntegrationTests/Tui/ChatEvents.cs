using Piazza.Client;
using Piazza.Protocol;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary>The client library's events as the chat state receives them, built tersely for view-free tests.</summary>
internal static class ChatEvents
{
    public static Welcomed Welcome(string user, IEnumerable<string>? rooms = null, IEnumerable<string>? online = null, bool admin = false)
        => new(new Welcome(user, [.. rooms ?? []], [.. (online ?? []).Select(n => new Member(n, null))], null) { Admin = admin }, Reconnected: false);

    public static ChatMessage Stored(string room, long seq, string from = "bob", string? to = null, string? text = null)
        => new(room, seq, $"m{seq}", from, to, text ?? $"m{seq}", null);

    public static MessageReceived Message(string room, long seq, string from = "bob", string? to = null, string? text = null)
        => new(Stored(room, seq, from, to, text), Replayed: false);

    /// <summary>A history page as the client delivers it: one replayed message event per message, in the order given.</summary>
    public static IEnumerable<PiazzaEvent> History(string room, params ChatMessage[] messages)
        => [.. room.StartsWith('@') ? [new PrivateConversationEntered(room)] : Array.Empty<PiazzaEvent>(), .. messages.Select(m => new MessageReceived(m, Replayed: true))];

    public static RoomEntered Room(string room, string? topic = null, string? owner = null, params string[] users)
        => new(room, topic, owner, [.. users.Select(u => new Member(u, null))], [], Locked: true);

    public static MemberLeft Left(string room, string user, LeaveReason reason, string? by = null, string? message = null)
        => new(room, user, reason, by, message, null);

    public static void ApplyAll(this ChatState state, IEnumerable<PiazzaEvent> events)
    {
        foreach (var e in events)
        {
            state.Apply(e);
        }
    }
}
