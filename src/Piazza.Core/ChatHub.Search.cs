using Piazza.Core.Search;

namespace Piazza.Core;

/// <summary>The facade's full-text search (docs/protocol.md, "Search").</summary>
public sealed partial class ChatHub
{
    /// <summary>
    /// Messages matching <paramref name="query"/> in the conversations the user may read now (or only in
    /// <paramref name="room"/>), newest first, with snippets; <paramref name="before"/> is the <c>next</c> of an earlier page.
    /// </summary>
    public Task<HubResult<SearchPage>> SearchAsync(ChatSession session, string? query, string? room, int? limit, long? before, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _search.SearchAsync(session, query, room, limit, before, cancellationToken);
    }
}
