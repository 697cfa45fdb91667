namespace Piazza.Core.Search;

/// <summary>
/// One term of a search: a word (one folded token), a phrase (several tokens in a row) or either with a prefix match
/// on its last token (<c>depl*</c>). Every token is folded (<see cref="SearchText.Fold"/>) and holds only letters and
/// digits, so a store can render it into its own query syntax without escaping surprises.
/// </summary>
public sealed record SearchTerm(IReadOnlyList<string> Tokens, bool Prefix)
{
    public bool IsPhrase => Tokens.Count > 1;
}

/// <summary>
/// A parsed search (docs/protocol.md, "Search"): terms that must all match, terms that must not, and the optional
/// <c>from:</c> (a folded user name) and <c>in:</c> (a room name, or <c>@name</c> for the private conversation with
/// that user) filters. Built only by <see cref="SearchQueryParser"/>.
/// </summary>
public sealed record SearchQuery(IReadOnlyList<SearchTerm> Include, IReadOnlyList<SearchTerm> Exclude, string? From, string? In);
