using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Piazza.Core.Storage;

namespace Piazza.Core.Reading;

/// <summary>
/// Read positions and the counts clients start from (<c>welcome</c>, a join's <c>room</c> frame, REST): an account's
/// positions are stored; a guest's (no stored identity, one login) are kept in memory for as long as the guest is
/// connected. Counts come from the store (<see cref="IReadStateStore.CountUnreadAsync"/>: indexed range reads).
/// </summary>
internal sealed class ReadCounter(HubContext hub)
{
    private readonly ConditionalWeakTable<ChatUser, ConcurrentDictionary<string, long>> _guests = [];

    /// <summary>Keeps a guest's position unless a higher one is kept; returns the position kept now.</summary>
    public long RememberGuest(ChatUser guest, string conversation, long seq)
        => _guests.GetOrCreateValue(guest).AddOrUpdate(conversation, seq, (_, kept) => Math.Max(kept, seq));

    /// <summary>The user's read state in each conversation (key, and the name clients see it by), in the order given.</summary>
    public async Task<IReadOnlyList<ReadCounts>> CountAsync(ChatUser user, IReadOnlyList<(string Key, string Name)> conversations, CancellationToken cancellationToken)
    {
        if (conversations.Count == 0)
        {
            return [];
        }

        IReadOnlyDictionary<string, long> positions = user.IsRegistered
            ? await hub.Store.ReadPositionsAsync(user.Key, cancellationToken).ConfigureAwait(false)
            : _guests.TryGetValue(user, out var kept) ? kept : new Dictionary<string, long>();
        var points = conversations.Select(c => new ReadPoint(c.Key, positions.GetValueOrDefault(c.Key))).ToList();
        var counts = await hub.Store.CountUnreadAsync(user.Key, points, cancellationToken).ConfigureAwait(false);
        var result = new List<ReadCounts>(counts.Count);
        for (var i = 0; i < counts.Count; i++)
        {
            result.Add(new ReadCounts(conversations[i].Name, counts[i].Seq, Math.Min(points[i].After, counts[i].Seq), counts[i].Unread, counts[i].Mentions));
        }

        return result;
    }

    /// <summary>One conversation's read state (a join's <c>room</c> frame).</summary>
    public async Task<ReadCounts?> CountOneAsync(ChatUser user, string key, string name, CancellationToken cancellationToken)
    {
        var counts = await CountAsync(user, [(key, name)], cancellationToken).ConfigureAwait(false);
        return counts.Count == 1 ? counts[0] : null;
    }
}
