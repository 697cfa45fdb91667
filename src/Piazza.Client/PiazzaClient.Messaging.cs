using System.Diagnostics;
using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>Messages, rooms, history and the account.</summary>
public sealed partial class PiazzaClient
{
    /// <summary>The same as <see cref="SendAsync(string, string, string?, string?, CancellationToken)"/> without a reply (kept for callers built against earlier versions).</summary>
    public Task<SentMessage> SendAsync(string room, string text, string? messageId, CancellationToken cancellationToken)
        => SendAsync(room, text, messageId, reply: null, cancellationToken);

    /// <summary>Sends a private message to <paramref name="user"/>; same guarantees as <see cref="SendAsync(string, string, string?, string?, CancellationToken)"/>.</summary>
    public Task<SentMessage> SendPrivateAsync(string user, string text, string? messageId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(text);
        return SendFrameAsync(new ClientFrame { Type = FrameTypes.Send, To = user, Text = text, Id = messageId }, user, cancellationToken);
    }

    /// <summary>
    /// Sends a message to the group conversation of us and <paramref name="to"/> (2 to 9 user names, not us), opening
    /// it with the first message; its id is <c>@</c> and every participant's key, sorted (<see cref="SentMessage.Conversation"/>).
    /// Same guarantees as <see cref="SendAsync(string, string, string?, string?, CancellationToken)"/>. Refusals: <c>bad_request</c> (count, repeats, us), <c>no_such_user</c>.
    /// </summary>
    public Task<SentMessage> SendToGroupAsync(IReadOnlyList<string> to, string text, string? messageId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(text);
        return SendFrameAsync(new ClientFrame { Type = FrameTypes.Send, To = Recipients.Many(to), Text = text, Id = messageId }, "@" + string.Join(",", to), cancellationToken);
    }

    /// <summary>Joins a room (creating it, owned by us, if it does not exist); returns its name as the server spells it.</summary>
    public async Task<string> JoinAsync(string room, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        var ok = await RequestAsync(new ClientFrame { Type = FrameTypes.Join, Room = room }, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        return ok.Room ?? room;
    }

    /// <summary>Leaves a room, on every device.</summary>
    public async Task LeaveAsync(string room, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        var ok = await RequestAsync(new ClientFrame { Type = FrameTypes.Leave, Room = room }, Repeat.Never, cancellationToken).ConfigureAwait(false);
        _delivered.Forget(ok.Room ?? room); // joining again replays its recent messages: those are news again
    }

    /// <summary>Sets a room's topic; null or empty clears it.</summary>
    public Task SetTopicAsync(string room, string? topic, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        return RequestAsync(new ClientFrame { Type = FrameTypes.Topic, Room = room, Topic = topic ?? "" }, Repeat.AfterReconnect, cancellationToken);
    }

    /// <summary>Lists every user present in a room, earliest first (page after page: see <see cref="WhoPageAsync"/>).</summary>
    public async Task<IReadOnlyList<Member>> WhoAsync(string room, CancellationToken cancellationToken = default)
    {
        var members = new List<Member>();
        string? cursor = null;
        do
        {
            var page = await WhoPageAsync(room, cursor, MaxWhoPage, cancellationToken).ConfigureAwait(false);
            members.AddRange(page.Members);
            cursor = page.Next;
        }
        while (cursor is not null);
        return members;
    }

    /// <summary>Most users one <see cref="WhoPageAsync"/> page may hold.</summary>
    public const int MaxWhoPage = 1000;

    /// <summary>
    /// One page of the users present in a room, earliest first: up to <paramref name="limit"/> (1 to <see cref="MaxWhoPage"/>;
    /// the server's default page when null) after <paramref name="cursor"/> (the <see cref="MemberPage.Next"/> of the
    /// previous page, or <see cref="RoomEntered.Next"/>; null for the first).
    /// </summary>
    public async Task<MemberPage> WhoPageAsync(string room, string? cursor = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        if (limit is < 1 or > MaxWhoPage)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"a page holds 1 to {MaxWhoPage} users");
        }

        var ok = await RequestAsync(new ClientFrame { Type = FrameTypes.Who, Room = room, Cursor = cursor, Limit = limit }, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        var members = WireMapping.ToMembers(ok.Users);
        return new MemberPage(ok.Room ?? room, members, ok.Count ?? members.Count, ok.Next);
    }

    /// <summary>
    /// Stored messages of a room or private conversation (<c>@alice,bob</c>), in seq order: older than
    /// <paramref name="before"/>, newer than <paramref name="after"/>, or the latest; at most <paramref name="limit"/> (1 to 500).
    /// The server caps one answer by size (<c>"more":true</c>); the rest of the window is asked for until it is complete.
    /// </summary>
    public async Task<IReadOnlyList<ChatMessage>> HistoryAsync(string conversation, long? before = null, long? after = null, int limit = 50, CancellationToken cancellationToken = default)
        => (await HistoryPageAsync(conversation, before, after, limit, cancellationToken).ConfigureAwait(false)).Messages;

    /// <summary>
    /// As <see cref="HistoryAsync"/>, with where the conversation's history begins when retention cut it
    /// (<see cref="HistoryPage.FirstSeq"/>; docs/retention.md): below it only pinned messages remain, so a gap there is not a loss.
    /// </summary>
    public async Task<HistoryPage> HistoryPageAsync(string conversation, long? before = null, long? after = null, int limit = 50, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        long? firstSeq = null;
        var pages = new List<IReadOnlyList<ServerFrame>>();
        var received = 0;
        var room = conversation;
        var repeat = Repeat.AfterReconnect;
        while (true)
        {
            var frame = new ClientFrame { Type = FrameTypes.History, Room = room, Before = before, After = after, Limit = limit - received };
            var answer = await RequestAsync(frame, repeat, cancellationToken).ConfigureAwait(false);
            var messages = answer.Messages ?? [];
            room = answer.Room ?? room;
            firstSeq = answer.FirstSeq ?? firstSeq;
            pages.Add(messages);
            received += messages.Count;
            if (answer.More != true || messages.Count == 0 || received >= limit)
            {
                break;
            }

            // Newer windows continue after the last message, older and latest ones before the first.
            (before, after) = after is not null ? ((long?)null, messages[^1].Seq) : (messages[0].Seq, (long?)null);
            repeat = Repeat.AfterReconnectOrRateLimit; // one asked window: the continuation waits out the read budget
        }

        var ordered = after is not null ? pages : Enumerable.Reverse(pages);
        return new HistoryPage([.. ordered.SelectMany(page => page).Select(m => WireMapping.ToMessage(m, room))], firstSeq);
    }

    /// <summary>Changes the account's password; the client keeps the new token (other sessions must log in again).</summary>
    public async Task ChangePasswordAsync(string current, string next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        var ok = await RequestAsync(new ClientFrame { Type = FrameTypes.Password, Password = current, NewPassword = next }, Repeat.Never, cancellationToken).ConfigureAwait(false);
        Token = ok.Token ?? Token;
    }

    /// <summary>A round trip to the server; returns how long it took.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await RequestAsync(new ClientFrame { Type = FrameTypes.Ping }, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// Messages go one at a time, each answered before the next is written: a send refused as rate_limited and sent
    /// again after the wait would otherwise be overtaken by the sends made after it, and stored out of order.
    /// </summary>
    private readonly SemaphoreSlim _sendLane = new(1, 1);

    private async Task<SentMessage> SendFrameAsync(ClientFrame frame, string conversation, CancellationToken cancellationToken)
    {
        await _sendLane.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var ok = await RequestAsync(frame, Repeat.AfterReconnectOrRateLimit, cancellationToken).ConfigureAwait(false);
            return WireMapping.ToSent(ok, conversation);
        }
        finally
        {
            _sendLane.Release();
        }
    }
}
