using System.Globalization;
using Piazza.Client;

namespace Piazza.Tui;

/// <summary>/search TEXT: full-text search, shown as system lines <c>#seq room &lt;from&gt; snippet</c>, matches in [[ ]].</summary>
internal sealed partial class ChatController
{
    /// <summary>Results shown per /search: a screenful.</summary>
    private const int SearchPageSize = 20;

    private Task<CommandResult> SearchAsync(string query, CancellationToken cancellationToken)
        => AttemptAsync($"/search {Shorten(query)} failed", async () =>
        {
            var found = await client.SearchAsync(query, limit: SearchPageSize, cancellationToken: cancellationToken).ConfigureAwait(false);
            host.Post(() =>
            {
                if (found.Results.Count == 0)
                {
                    state.AddSystem($"search {query}: nothing found");
                    return;
                }

                state.AddSystem(found.Next is null
                    ? $"search {query}: {found.Results.Count} found, newest first"
                    : $"search {query}: the newest {found.Results.Count}; add words or from:/in: to narrow it");
                foreach (var result in found.Results)
                {
                    state.AddSystem(FormatResult(result));
                }
            });
        });

    /// <summary><c>#12 dev &lt;bob&gt; we [[deploy]] on friday</c>.</summary>
    internal static string FormatResult(SearchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var message = result.Message;
        return string.Create(CultureInfo.InvariantCulture, $"#{message.Seq} {message.Conversation} <{message.From}> {result.Marked("[[", "]]")}");
    }
}
