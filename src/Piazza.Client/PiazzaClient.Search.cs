using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

public sealed partial class PiazzaClient
{
    /// <summary>
    /// Full-text search (docs/protocol.md, "Search") in every conversation the user may read now, or only in
    /// <paramref name="room"/> (a room name or a private conversation id): matching messages newest first, each with
    /// its snippet. <paramref name="before"/> is the <see cref="SearchResults.Next"/> of an earlier page. A malformed
    /// query throws <see cref="PiazzaException"/> with <c>bad_request</c>; a room the user may not read, <c>no_such_room</c>.
    /// </summary>
    public async Task<SearchResults> SearchAsync(string query, string? room = null, int? limit = null, string? before = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var frame = new ClientFrame { Type = FrameTypes.Search, Q = query, Room = room, Limit = limit, Cursor = before };
        var answer = await RequestAsync(frame, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        var results = (answer.Results ?? []).Select(r => new SearchResult(WireMapping.ToMessage(r, r.Room ?? ""), r.Snippet ?? ""));
        return new SearchResults([.. results], answer.Next);
    }
}

/// <summary>One page of search results, newest first; <see cref="Next"/> asks for older ones (null on the last page).</summary>
public sealed record SearchResults(IReadOnlyList<SearchResult> Results, string? Next);

/// <summary>
/// A matching message and its snippet: at most about 200 characters around the first match, each match between
/// <see cref="MatchStart"/> (U+0002) and <see cref="MatchEnd"/> (U+0003).
/// </summary>
public sealed record SearchResult(ChatMessage Message, string Snippet)
{
    public const char MatchStart = '\u0002';
    public const char MatchEnd = '\u0003';

    /// <summary>The snippet in pieces: the text between markers, each flagged whether it is a match.</summary>
    public IReadOnlyList<(string Text, bool Match)> Parts()
    {
        var parts = new List<(string, bool)>();
        var match = false;
        var start = 0;
        for (var i = 0; i <= Snippet.Length; i++)
        {
            if (i == Snippet.Length || Snippet[i] is MatchStart or MatchEnd)
            {
                if (i > start)
                {
                    parts.Add((Snippet[start..i], match));
                }

                if (i < Snippet.Length)
                {
                    match = Snippet[i] == MatchStart;
                }

                start = i + 1;
            }
        }

        return parts;
    }

    /// <summary>The snippet with matches between <paramref name="open"/> and <paramref name="close"/> (e.g. "[[" and "]]").</summary>
    public string Marked(string open, string close)
        => string.Concat(Parts().Select(p => p.Match ? open + p.Text + close : p.Text));
}
