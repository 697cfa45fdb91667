using Piazza.Core.Conversations;
using Piazza.Core.Messaging;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>
/// A place in a conversation the user may read: the name <see cref="ChatHub.HistoryAsync"/> and
/// <see cref="ChatHub.MarkReadAsync"/> take (a room's name or a private id), a message's seq (0: before the first) and,
/// when there is a message there, its time.
/// </summary>
public sealed record HistoryPoint(string Room, long Seq, DateTimeOffset? Timestamp);

/// <summary>
/// Finding places in history by message id or by time, for doors that name them so (IRCv3 chathistory and read-marker
/// speak in msgids and timestamps; history is read by seq). Who may read is the rule history uses: a room the user is
/// in (private rooms hide themselves from others), or one of the user's own private conversations.
/// </summary>
public sealed partial class ChatHub
{
    /// <summary>The seq and time of message <paramref name="messageId"/>, which must be in the conversation named.</summary>
    public async Task<HubResult<HistoryPoint>> FindMessagePointAsync(ChatSession session, string? room, string? with, string? messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var readable = await ReadableConversationAsync(session, room, with, cancellationToken).ConfigureAwait(false);
        if (!readable.Succeeded)
        {
            return readable.Error!;
        }

        var (key, name, _) = readable.Value;
        var found = await MessageAccess.FindVisibleAsync(_hub.Store, _conversations, session.User, messageId, null, cancellationToken).ConfigureAwait(false);
        if (!found.Succeeded || !string.Equals(found.Value!.Conversation.Key, key, StringComparison.Ordinal))
        {
            return MessageAccess.NoSuchMessage(messageId, name);
        }

        return HubResult<HistoryPoint>.Ok(new HistoryPoint(name, found.Value.Stored.Seq, found.Value.Stored.Timestamp));
    }

    /// <summary>
    /// The last message at or before <paramref name="at"/> (strictly before it unless <paramref name="inclusive"/>);
    /// seq 0 when there is none. Seqs have no gaps and times grow with them, so this is a binary search of point reads;
    /// times compare to the millisecond (as doors show them).
    /// </summary>
    public async Task<HubResult<HistoryPoint>> FindTimePointAsync(ChatSession session, string? room, string? with, DateTimeOffset at, bool inclusive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var readable = await ReadableConversationAsync(session, room, with, cancellationToken).ConfigureAwait(false);
        if (!readable.Succeeded)
        {
            return readable.Error!;
        }

        var (key, name, newest) = readable.Value;
        var found = await LastAtOrBeforeAsync(key, newest, inclusive ? at : at.AddTicks(-1), cancellationToken).ConfigureAwait(false);
        return HubResult<HistoryPoint>.Ok(new HistoryPoint(name, found?.Seq ?? 0, found?.Timestamp));
    }

    /// <summary>The time of message <paramref name="seq"/> (no time when there is no such message, or for seq 0).</summary>
    public async Task<HubResult<HistoryPoint>> FindSeqPointAsync(ChatSession session, string? room, string? with, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var readable = await ReadableConversationAsync(session, room, with, cancellationToken).ConfigureAwait(false);
        if (!readable.Succeeded)
        {
            return readable.Error!;
        }

        var (key, name, newest) = readable.Value;
        var stored = seq < 1 || seq > newest ? null : await FirstFromAsync(key, seq, cancellationToken).ConfigureAwait(false);
        return HubResult<HistoryPoint>.Ok(new HistoryPoint(name, seq, stored?.Seq == seq ? stored.Timestamp : null));
    }

    /// <summary>
    /// The user's read position in the conversation named, with its message's time, read without moving it. A guest's
    /// positions are its session's, known for its rooms only (a guest's private conversations answer 0).
    /// </summary>
    public async Task<HubResult<HistoryPoint>> FindReadPointAsync(ChatSession session, string? room, string? with, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var readable = await ReadableConversationAsync(session, room, with, cancellationToken).ConfigureAwait(false);
        if (!readable.Succeeded)
        {
            return readable.Error!;
        }

        var (key, name, newest) = readable.Value;
        var seq = session.User.IsRegistered
            ? (await _hub.Store.ReadPositionsAsync(session.User.Key, cancellationToken).ConfigureAwait(false)).GetValueOrDefault(key)
            : (await _readState.ConversationsAsync(session, cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.Room == name)?.Read ?? 0;
        var stored = seq < 1 || seq > newest ? null : await FirstFromAsync(key, seq, cancellationToken).ConfigureAwait(false);
        return HubResult<HistoryPoint>.Ok(new HistoryPoint(name, seq, stored?.Seq == seq ? stored.Timestamp : null));
    }

    /// <summary>
    /// The user's conversations (rooms it is in, its recent private ones) with a message between <paramref name="from"/>
    /// and <paramref name="to"/> (inclusive): the latest such message of each, oldest first, at most
    /// <paramref name="limit"/> (the earliest ones, or the latest when <paramref name="from"/> is after <paramref name="to"/>).
    /// Counted as one history read.
    /// </summary>
    public async Task<HubResult<IReadOnlyList<MessageEvent>>> LatestMessagesAsync(ChatSession session, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Flood.TryAcquireRead(session) is { } throttled)
        {
            return throttled;
        }

        var (low, high) = from <= to ? (from, to) : (to, from);
        var user = session.User;
        var keys = new List<string>(user.Rooms);
        if (user.IsRegistered)
        {
            keys.AddRange(await _hub.Store.ConversationsOfAsync(user.Key, _hub.Options.ConversationsOnLogin, cancellationToken).ConfigureAwait(false));
        }

        var latest = new List<MessageEvent>();
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            var loaded = _conversations.Find(key);
            var newest = loaded?.LastDelivered ?? await _hub.Store.LastSeqAsync(key, cancellationToken).ConfigureAwait(false);
            var found = await LastAtOrBeforeAsync(key, newest, high, cancellationToken).ConfigureAwait(false);
            if (found is not null && ToMilliseconds(found.Timestamp) >= low)
            {
                var name = loaded?.Name ?? (DirectConversationId.IsDirect(key) ? key : (await _hub.Store.FindRoomAsync(key, cancellationToken).ConfigureAwait(false))?.Name ?? key);
                latest.Add(Conversation.FromStored(found, key, name));
            }
        }

        var ordered = latest.OrderBy(m => m.Timestamp).ToList();
        return HubResult<IReadOnlyList<MessageEvent>>.Ok(from <= to ? ordered.Take(limit).ToList() : ordered.Skip(Math.Max(0, ordered.Count - limit)).ToList());
    }

    /// <summary>The conversation named as history names it (<see cref="HistoryReader.ResolveAsync"/>): key, name, newest seq delivered.</summary>
    private async Task<HubResult<(string Key, string Name, long Newest)>> ReadableConversationAsync(ChatSession session, string? room, string? with, CancellationToken cancellationToken)
    {
        var readable = await _history.ResolveAsync(session, room, with, cancellationToken).ConfigureAwait(false);
        if (!readable.Succeeded)
        {
            return readable.Error!;
        }

        var (key, name, delivered) = readable.Value!;
        var newest = delivered ?? await _hub.Store.LastSeqAsync(key, cancellationToken).ConfigureAwait(false);
        return HubResult<(string, string, long)>.Ok((key, name, newest));
    }

    /// <summary>The stored message with the highest seq at most <paramref name="newest"/> whose time is at or before <paramref name="at"/>.</summary>
    private async Task<Storage.StoredMessage?> LastAtOrBeforeAsync(string key, long newest, DateTimeOffset at, CancellationToken cancellationToken)
    {
        Storage.StoredMessage? best = null;
        long low = 0, high = newest + 1; // invariant: the answer's seq is in [low, high)
        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            var probe = await FirstFromAsync(key, middle, cancellationToken).ConfigureAwait(false);
            if (probe is null || probe.Seq >= high || ToMilliseconds(probe.Timestamp) > at)
            {
                high = middle;
            }
            else
            {
                best = probe;
                low = probe.Seq;
            }
        }

        return best;
    }

    /// <summary>Times are compared as every door shows them, to the millisecond: a client names a message by the time it was shown.</summary>
    private static DateTimeOffset ToMilliseconds(DateTimeOffset at) => at.AddTicks(-(at.Ticks % TimeSpan.TicksPerMillisecond));

    /// <summary>The first stored message with seq <paramref name="seq"/> or more.</summary>
    private async Task<Storage.StoredMessage?> FirstFromAsync(string key, long seq, CancellationToken cancellationToken)
    {
        var page = await _hub.Store.ReadAfterAsync(key, seq - 1, 1, cancellationToken).ConfigureAwait(false);
        return page.Count > 0 ? page[0] : null;
    }
}
