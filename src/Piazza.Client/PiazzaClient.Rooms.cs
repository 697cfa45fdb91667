using System.Runtime.CompilerServices;
using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>The room list, which the server answers in pages.</summary>
public sealed partial class PiazzaClient
{
    /// <summary>Most rooms the server puts in one page.</summary>
    public const int MaxRoomsPage = 500;

    /// <summary>
    /// One page of the server's rooms, ordered by case-folded name: up to <paramref name="limit"/> (1 to
    /// <see cref="MaxRoomsPage"/>; the server's default page when null) after <paramref name="cursor"/> (the
    /// <see cref="RoomListPage.Next"/> of the previous page; null for the first).
    /// </summary>
    public async Task<RoomListPage> RoomsPageAsync(string? cursor = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > MaxRoomsPage)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"a page holds 1 to {MaxRoomsPage} rooms");
        }

        var frame = new ClientFrame { Type = FrameTypes.Rooms, Cursor = cursor, Limit = limit };
        var ok = await RequestAsync(frame, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        return new RoomListPage([.. (ok.Rooms ?? []).Select(WireMapping.ToRoom)], ok.Next);
    }

    /// <summary>Every room of the server, one page at a time as it is enumerated (pages of <paramref name="pageSize"/>).</summary>
    public async IAsyncEnumerable<RoomSummary> EnumerateRoomsAsync(int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await RoomsPageAsync(cursor, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var room in page.Rooms)
            {
                yield return room;
            }

            cursor = page.Next;
        }
        while (cursor is not null);
    }

    /// <summary>Every room of the server, read page by page (<see cref="EnumerateRoomsAsync"/>); a large server has many.</summary>
    public async Task<IReadOnlyList<RoomSummary>> RoomsAsync(CancellationToken cancellationToken = default)
    {
        var rooms = new List<RoomSummary>();
        await foreach (var room in EnumerateRoomsAsync(MaxRoomsPage, cancellationToken).ConfigureAwait(false))
        {
            rooms.Add(room);
        }

        return rooms;
    }
}
