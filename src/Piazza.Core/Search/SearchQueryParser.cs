using Piazza.Protocol;

namespace Piazza.Core.Search;

/// <summary>
/// The one parser of the search language (docs/protocol.md, "Search"), shared by every store: it turns the user's
/// text into a <see cref="SearchQuery"/> of folded tokens, so user text never reaches FTS5 or tsquery syntax. Words
/// must all match; <c>"quoted phrases"</c> match in a row; <c>depl*</c> matches a prefix (2 characters at least);
/// <c>-word</c> or <c>-"a phrase"</c> excludes; <c>from:bob</c> and <c>in:dev</c> / <c>in:@bob</c> filter. Punctuation
/// inside a word splits it into a phrase (<c>deploy-friday</c> is the phrase "deploy friday"). Anything else the
/// parser cannot read exactly (an unbalanced quote, parentheses, a lone or inner <c>*</c>, nothing to look for) is a
/// <c>bad_request</c> saying what is wrong.
/// </summary>
public static class SearchQueryParser
{
    /// <summary>The longest query accepted, in UTF-16 code units; longer ones are refused before any parsing.</summary>
    public const int MaxLength = 500;

    /// <summary>Most terms (words, phrases, exclusions) in one query.</summary>
    public const int MaxTerms = 16;

    /// <summary>Shortest prefix before a <c>*</c>, so a prefix query never walks most of the index.</summary>
    public const int MinPrefixLength = 2;

    public static HubResult<SearchQuery> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Bad("\"q\" is empty: give words to search for");
        }

        if (text.Length > MaxLength)
        {
            return Bad($"\"q\" is at most {MaxLength} characters ({text.Length} given)");
        }

        var include = new List<SearchTerm>();
        var exclude = new List<SearchTerm>();
        string? from = null;
        string? within = null;
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            var negated = false;
            if (text[i] == '-' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]))
            {
                negated = true;
                i++;
            }

            HubResult<SearchTerm?> term;
            if (text[i] == '"')
            {
                term = ReadPhrase(text, ref i);
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '"')
                {
                    i++;
                }

                var word = text[start..i];
                var filter = ReadFilter(word, negated, ref from, ref within);
                if (filter is { } filterError)
                {
                    return filterError;
                }

                if (IsFilter(word))
                {
                    continue;
                }

                term = ReadWord(word);
            }

            if (!term.Succeeded)
            {
                return term.Error!;
            }

            if (term.Value is { } found)
            {
                (negated ? exclude : include).Add(found);
                if (include.Count + exclude.Count > MaxTerms)
                {
                    return Bad($"a search has at most {MaxTerms} words and phrases");
                }
            }
        }

        if (include.Count == 0)
        {
            return Bad(exclude.Count > 0 || from is not null || within is not null
                ? "give at least one word to search for besides filters and exclusions"
                : "\"q\" has no words to search for (only punctuation)");
        }

        return HubResult<SearchQuery>.Ok(new SearchQuery(include, exclude, from, within));
    }

    private static bool IsFilter(string word)
        => word.StartsWith("from:", StringComparison.OrdinalIgnoreCase) || word.StartsWith("in:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads <c>from:</c> or <c>in:</c> into its slot; an error when malformed or repeated; null otherwise.</summary>
    private static HubError? ReadFilter(string word, bool negated, ref string? from, ref string? within)
    {
        if (!IsFilter(word))
        {
            return null;
        }

        var isFrom = word.StartsWith("from:", StringComparison.OrdinalIgnoreCase);
        var name = word[(isFrom ? 5 : 3)..];
        var label = isFrom ? "from:" : "in:";
        if (negated)
        {
            return new HubError(ErrorCode.BadRequest, $"'{label}' cannot be excluded with '-'");
        }

        if ((isFrom ? from : within) is not null)
        {
            return new HubError(ErrorCode.BadRequest, $"give '{label}' once");
        }

        if (isFrom)
        {
            var user = name.StartsWith('@') ? name[1..] : name;
            if (!UserNamePolicy.IsValid(user, out _))
            {
                return new HubError(ErrorCode.BadRequest, "'from:' takes a user name, as in from:bob");
            }

            from = UserNamePolicy.Fold(user);
            return null;
        }

        // @a,b,c: a conversation id as the server writes it (checked against the asker when searching).
        var valid = name.StartsWith('@')
            ? name.Contains(',', StringComparison.Ordinal) ? name.Length <= 1000 : UserNamePolicy.IsValid(name[1..], out _)
            : RoomNamePolicy.IsValid(name, out _);
        if (!valid)
        {
            return new HubError(ErrorCode.BadRequest, "'in:' takes a room name (in:dev) or @user for your private conversation with them (in:@bob)");
        }

        within = name;
        return null;
    }

    private static HubResult<SearchTerm?> ReadPhrase(string text, ref int i)
    {
        var close = text.IndexOf('"', i + 1);
        if (close < 0)
        {
            return Bad("a quote is not closed: phrases go between two \" characters");
        }

        var inner = text[(i + 1)..close];
        i = close + 1;
        var prefix = i < text.Length && text[i] == '*';
        if (prefix)
        {
            i++;
        }

        if (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '"')
        {
            return Bad("put a space after a closing quote");
        }

        if (inner.Contains('*', StringComparison.Ordinal))
        {
            return Bad("'*' goes after a word or a phrase's closing quote (depl*, \"deploy fri\"*), not inside quotes");
        }

        return Term(inner, prefix);
    }

    private static HubResult<SearchTerm?> ReadWord(string word)
    {
        if (word.AsSpan().IndexOfAny('(', ')') >= 0)
        {
            return Bad("parentheses are not part of the search syntax; quote them (\"f(x)\") to search for the words inside");
        }

        var stars = word.AsSpan().TrimEnd('*');
        if (stars.Length == 0)
        {
            return Bad("a '*' goes after the start of a word, as in depl*");
        }

        if (stars.IndexOf('*') >= 0 || word.Length - stars.Length > 1)
        {
            return Bad("'*' is allowed only once, at the end of a word (depl*)");
        }

        return Term(stars.ToString(), prefix: stars.Length < word.Length);
    }

    private static HubResult<SearchTerm?> Term(string text, bool prefix)
    {
        var tokens = SearchText.Tokenize(text).ConvertAll(t => t.Folded);
        if (tokens.Count == 0)
        {
            return prefix ? Bad("a '*' goes after the start of a word, as in depl*") : HubResult<SearchTerm?>.Ok(null);
        }

        if (prefix && tokens[^1].Length < MinPrefixLength)
        {
            return Bad($"a prefix search needs at least {MinPrefixLength} characters before '*'");
        }

        return HubResult<SearchTerm?>.Ok(new SearchTerm(tokens, prefix));
    }

    private static HubError Bad(string message) => new(ErrorCode.BadRequest, message);
}
