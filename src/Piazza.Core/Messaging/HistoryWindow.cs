using System.Runtime.CompilerServices;
using Piazza.Core.Conversations;
using Piazza.Core.Storage;

namespace Piazza.Core.Messaging;

/// <summary>
/// An authorised history read (who may read it was checked, and the read counted, when it was opened): the messages
/// after <c>after</c>, or the latest before <c>before</c>, never past what had been delivered live when it was opened.
/// A door that streams (REST) reads it a page at a time, so a reader that stops reading holds one page, not all.
/// </summary>
public sealed class HistoryWindow
{
    private readonly IChatStore _store;
    private readonly string _key;
    private readonly long? _before;
    private readonly long? _after;
    private readonly int _limit;
    private readonly long _delivered;

    /// <param name="delivered">The last seq delivered live; null for a conversation not in memory (nothing in flight).</param>
    internal HistoryWindow(IChatStore store, string key, string room, long? delivered, long? before, long? after, int limit)
    {
        _store = store;
        _key = key;
        Room = room;
        _before = before;
        _after = after;
        _limit = limit;
        _delivered = delivered ?? long.MaxValue - 1;
    }

    /// <summary>What clients see in <c>room</c>.</summary>
    public string Room { get; }

    /// <summary>The most messages the window holds (the request's limit or the default); a full forward page may have more after it.</summary>
    public int Limit => _limit;

    /// <summary>Where the conversation's history begins when retention cut it (docs/retention.md); null when it was never cut.</summary>
    public async Task<long?> FirstSeqAsync(CancellationToken cancellationToken = default)
        => (await _store.HistoryStartAsync(_key, cancellationToken).ConfigureAwait(false))?.FirstSeq;

    /// <summary>Whether the window reads forwards (<c>after</c>) rather than the latest before a point.</summary>
    public bool Forward => _after is not null;

    /// <summary>
    /// The window up to about <paramref name="maxBytes"/> (by <see cref="ChatEvent.EstimatedBytes"/>, at least one message):
    /// the messages nearest its anchor (the first after <c>after</c>, else the latest), read a page at a time so a
    /// window of long messages is never held whole. <c>More</c>: the cap, not the window, ended it.
    /// </summary>
    internal async Task<(IReadOnlyList<MessageEvent> Messages, bool More)> ReadCappedAsync(long maxBytes, CancellationToken cancellationToken)
    {
        const int PageSize = 16;
        var kept = new List<MessageEvent>();
        long bytes = 0;
        var forward = _after is not null;
        var cursor = forward ? Math.Max(0, _after!.Value) : UpperBound;
        while (kept.Count < _limit)
        {
            var asked = Math.Min(PageSize, _limit - kept.Count);
            var stored = forward
                ? await _store.ReadAfterAsync(_key, cursor, asked, cancellationToken).ConfigureAwait(false)
                : await _store.ReadBeforeAsync(_key, cursor, asked, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < stored.Count; i++)
            {
                var next = stored[forward ? i : stored.Count - 1 - i];
                if (next.Seq > _delivered)
                {
                    return (Ordered(kept, forward), false); // not delivered live yet: the window ends here
                }

                var message = Conversation.FromStored(next, _key, Room);
                if (kept.Count > 0 && bytes + message.EstimatedBytes > maxBytes)
                {
                    return (Ordered(kept, forward), true);
                }

                kept.Add(message);
                bytes += message.EstimatedBytes;
            }

            if (stored.Count < asked)
            {
                break;
            }

            cursor = forward ? stored[^1].Seq : stored[0].Seq;
        }

        return (Ordered(kept, forward), false);
    }

    private static List<MessageEvent> Ordered(List<MessageEvent> kept, bool forward)
    {
        if (!forward)
        {
            kept.Reverse(); // read newest first
        }

        return kept;
    }

    /// <summary>
    /// The whole window, in seq order, at most <paramref name="pageSize"/> per store read.
    /// The latest-before window is read forwards from its first seq: seqs have no gaps (<see cref="IMessageStore.AppendAsync"/>)
    /// but below a retention cut, where the window then holds the pinned messages that remain.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<MessageEvent>> ReadPagesAsync(int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var end = _after is not null ? _delivered + 1 : await LatestBelowAsync(UpperBound, cancellationToken).ConfigureAwait(false) + 1;
        var cursor = _after is not null ? Math.Max(0, _after.Value) : Math.Max(0, end - _limit - 1);
        var remaining = _limit;
        while (remaining > 0 && cursor < end - 1)
        {
            var asked = (int)Math.Min(Math.Min(pageSize, remaining), end - cursor - 1);
            var stored = await _store.ReadAfterAsync(_key, cursor, asked, cancellationToken).ConfigureAwait(false);
            var page = stored.Where(m => m.Seq < end).Select(m => Conversation.FromStored(m, _key, Room)).ToList();
            if (page.Count > 0)
            {
                yield return page;
            }

            if (stored.Count < asked || page.Count < stored.Count)
            {
                yield break;
            }

            remaining -= stored.Count;
            cursor = stored[^1].Seq;
        }
    }

    /// <summary>The highest stored seq below <paramref name="bound"/> (0 when none): where a latest-before window ends.</summary>
    private async Task<long> LatestBelowAsync(long bound, CancellationToken cancellationToken)
    {
        var top = await _store.ReadBeforeAsync(_key, bound, 1, cancellationToken).ConfigureAwait(false);
        return top.Count > 0 ? top[^1].Seq : 0;
    }

    /// <summary>The exclusive upper seq of a latest-before window.</summary>
    private long UpperBound => Math.Min(_before ?? long.MaxValue, _delivered + 1);
}
