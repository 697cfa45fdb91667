using Piazza.Core.Search;
using Piazza.Protocol;

namespace Piazza.UnitTests;

/// <summary>The one search parser (<see cref="SearchQueryParser"/>), the text folding it shares, and snippets.</summary>
public sealed class SearchQueryUnitTests
{
    private static SearchQuery Parse(string q)
    {
        var result = SearchQueryParser.Parse(q);
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Value!;
    }

    private static string Describe(SearchTerm t) => string.Join(' ', t.Tokens) + (t.Prefix ? "*" : "");

    [Theory]
    [InlineData("deploy friday", "deploy|friday", "")]
    [InlineData("Déploy  FRIDAY", "deploy|friday", "")]
    [InlineData("\"deploy on friday\" now", "deploy on friday|now", "")]
    [InlineData("depl*", "depl*", "")]
    [InlineData("\"deploy fri\"*", "deploy fri*", "")]
    [InlineData("deploy -friday -\"on monday\"", "deploy", "friday|on monday")]
    [InlineData("deploy-friday", "deploy friday", "")]
    [InlineData("it's NEAR AND OR NOT", "it s|near|and|or|not", "")]
    [InlineData("\"f(x)\" ok", "f x|ok", "")]
    [InlineData("café !!! ok", "cafe|ok", "")]
    public void Words_phrases_prefixes_and_exclusions_become_folded_tokens(string q, string include, string exclude)
    {
        var query = Parse(q);
        Assert.Equal(include, string.Join('|', query.Include.Select(Describe)));
        Assert.Equal(exclude, string.Join('|', query.Exclude.Select(Describe)));
    }

    [Fact]
    public void Filters_are_read_once_and_folded()
    {
        var query = Parse("from:Bob in:Dev ship it");
        Assert.Equal("bob", query.From);
        Assert.Equal("Dev", query.In);
        Assert.Equal(["ship", "it"], query.Include.Select(Describe));
        Assert.Equal("@bob", Parse("in:@bob x").In);
        Assert.Equal("@alice,bob", Parse("IN:@alice,bob x").In);
        Assert.Equal("bob", Parse("from:@bob x").From);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("\"", "quote")]
    [InlineData("deploy \"friday", "quote")]
    [InlineData("\"deploy\"friday", "space")]
    [InlineData("*", "'*'")]
    [InlineData("**", "'*'")]
    [InlineData("de*ploy", "'*'")]
    [InlineData("deploy**", "'*'")]
    [InlineData("\"de*ploy\"", "'*'")]
    [InlineData("d*", "at least 2")]
    [InlineData("NEAR(deploy friday)", "parentheses")]
    [InlineData("NEAR(", "parentheses")]
    [InlineData(")", "parentheses")]
    [InlineData("-deploy", "at least one word")]
    [InlineData("from:bob", "at least one word")]
    [InlineData("from:bob from:carol x", "once")]
    [InlineData("-from:bob x", "excluded")]
    [InlineData("from:b@d x", "user name")]
    [InlineData("in:#$% x", "room name")]
    [InlineData("!!! ???", "no words")]
    public void Malformed_queries_are_bad_requests_saying_why(string q, string why)
    {
        var result = SearchQueryParser.Parse(q);
        Assert.False(result.Succeeded);
        Assert.Equal(ErrorCode.BadRequest, result.Error!.Code);
        Assert.Contains(why, result.Error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Long_queries_and_too_many_terms_are_refused()
    {
        Assert.True(SearchQueryParser.Parse(new string('a', SearchQueryParser.MaxLength)).Succeeded);
        var tooLong = SearchQueryParser.Parse(new string('a', 10_000));
        Assert.Contains("at most 500", tooLong.Error!.Message, StringComparison.Ordinal);
        var many = string.Join(' ', Enumerable.Range(0, SearchQueryParser.MaxTerms + 1).Select(i => $"w{i}"));
        Assert.Contains("at most", SearchQueryParser.Parse(many).Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Café", "cafe")]
    [InlineData("ÜBER", "uber")]
    [InlineData("Ærøskøbing", "ærøskøbing")]
    [InlineData("naïve résumé", "naive resume")]
    public void Folding_lowers_and_removes_diacritics(string text, string folded)
        => Assert.Equal(folded, SearchText.Fold(text));

    [Fact]
    public void Snippets_mark_every_match_and_cut_around_the_first()
    {
        Assert.Equal("\u0002Deploy\u0003 on \u0002Friday\u0003", SearchSnippet.Build("Deploy on Friday", Parse("deploy friday")));
        Assert.Equal("we \u0002deployed\u0003 it", SearchSnippet.Build("we deployed it", Parse("depl*")));
        Assert.Equal("at the \u0002Café\u0003", SearchSnippet.Build("at the Café", Parse("cafe")));
        Assert.Equal("a \u0002b c\u0003 b", SearchSnippet.Build("a b c b", Parse("\"b c\"")));
        Assert.Equal("x  y \u0002z\u0003", SearchSnippet.Build("x\u0002 y\nz", Parse("z")));

        var text = string.Concat(Enumerable.Repeat("lorem ipsum ", 40)) + "needle " + string.Concat(Enumerable.Repeat("dolor sit ", 40));
        var snippet = SearchSnippet.Build(text, Parse("needle"));
        Assert.StartsWith("…", snippet, StringComparison.Ordinal);
        Assert.EndsWith("…", snippet, StringComparison.Ordinal);
        Assert.Contains("\u0002needle\u0003", snippet, StringComparison.Ordinal);
        Assert.True(snippet.Length <= SearchSnippet.MaxChars + 4, snippet);

        // A match near the end still gets a full window.
        var late = SearchSnippet.Build(string.Concat(Enumerable.Repeat("word ", 100)) + "needle", Parse("needle"));
        Assert.EndsWith("\u0002needle\u0003", late, StringComparison.Ordinal);
        Assert.True(late.Length > 150, late);
    }
}
