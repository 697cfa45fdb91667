using Piazza.Core.Search;

namespace Piazza.Core.Storage;

/// <summary>
/// Full-text search over stored messages (docs/protocol.md, "Search"). The store renders the parsed
/// <see cref="SearchQuery"/> into its own syntax (SQLite FTS5, PostgreSQL tsquery) and looks only in the conversations
/// the core passes; deleted messages never match and edited ones match their current text.
/// </summary>
public interface ISearchStore
{
    /// <summary>
    /// Up to <see cref="SearchRequest.Limit"/> standing messages of <see cref="SearchRequest.Conversations"/> matching
    /// every include term and no exclude term, newest first (the order they were stored in), with a cursor each.
    /// </summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// What to search: the parsed query, the only conversation keys to look in, the sender's folded name (an account key,
/// or a guest's name) when <c>from:</c> was given, and the cursor to continue before (a <see cref="SearchHit.Cursor"/>).
/// </summary>
public sealed record SearchRequest(SearchQuery Query, IReadOnlyList<string> Conversations, string? From, long? Before, int Limit);

/// <summary>A matching message and its place in the results (pass it as <see cref="SearchRequest.Before"/> for what is older).</summary>
public sealed record SearchHit(StoredMessage Message, long Cursor);
