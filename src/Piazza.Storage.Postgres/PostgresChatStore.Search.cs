using System.Text;
using Npgsql;
using NpgsqlTypes;
using Piazza.Core.Search;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

/// <summary>
/// Full-text search on PostgreSQL (migration 8): the parsed query is rendered as a <c>to_tsquery</c> text of quoted,
/// escaped lexemes only (<c>&amp;</c> between terms, <c>&lt;-&gt;</c> inside phrases, <c>:*</c> for prefixes,
/// <c>!</c> for exclusions), folded by the same <c>piazza_search_fold</c> as the indexed text, so user text is never
/// tsquery syntax. Results are newest first by <c>search_id</c>; each is then read as history reads it.
/// </summary>
public sealed partial class PostgresChatStore
{
    internal const string SearchSql = """
        SELECT conversation, seq, search_id FROM messages
        WHERE search_doc @@ to_tsquery('simple'::regconfig, @match)
          AND conversation = ANY(@conversations) AND deleted_by IS NULL
          AND search_id < @before
          AND (@from::text IS NULL OR sender_account = @from OR (sender_account IS NULL AND lower(sender) = @from))
        ORDER BY search_id DESC
        LIMIT @limit;
        """;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.Limit);
        if (request.Conversations.Count == 0)
        {
            return [];
        }

        return await RunAsync(
            async (connection, ct) =>
            {
                // Tokens are folded first and quoted after: folding (unaccent) can turn a letter into a quote or colon.
                var folded = await FoldTokensAsync(connection, request.Query, ct).ConfigureAwait(false);
                var places = await QueryAsync(
                    connection,
                    null,
                    SearchSql,
                    p =>
                    {
                        p.Add(Text("match", RenderTsQuery(request.Query, folded)));
                        p.Add(Array("conversations", NpgsqlDbType.Text, request.Conversations.ToArray()));
                        p.Add(Bigint("before", request.Before ?? long.MaxValue));
                        p.Add(Text("from", request.From));
                        p.Add(Integer("limit", request.Limit));
                    },
                    r => (Conversation: r.GetString(0), Seq: r.GetInt64(1), Cursor: r.GetInt64(2)),
                    ct).ConfigureAwait(false);
                return await ReadHitsAsync(connection, places, ct).ConfigureAwait(false);
            },
            Always,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Each distinct token of <paramref name="query"/> folded as the indexed text is (<c>piazza_search_fold</c>), in one round trip.</summary>
    private static async Task<Dictionary<string, string>> FoldTokensAsync(NpgsqlConnection connection, SearchQuery query, CancellationToken ct)
    {
        var tokens = query.Include.Concat(query.Exclude).SelectMany(t => t.Tokens).Distinct(StringComparer.Ordinal).ToArray();
        var rows = await QueryAsync(
            connection,
            null,
            "SELECT t, piazza_search_fold(t) FROM unnest(@tokens) AS t;",
            p => p.Add(Array("tokens", NpgsqlDbType.Text, tokens)),
            r => (Token: r.GetString(0), Folded: r.GetString(1)),
            ct).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Token, r => r.Folded, StringComparer.Ordinal);
    }

    /// <summary>Reads every hit as history reads it (ReadAfterSql at seq - 1, one row each), in one round trip.</summary>
    private static async Task<IReadOnlyList<SearchHit>> ReadHitsAsync(NpgsqlConnection connection, List<(string Conversation, long Seq, long Cursor)> places, CancellationToken ct)
    {
        if (places.Count == 0)
        {
            return [];
        }

        var batch = new NpgsqlBatch(connection);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var place in places)
            {
                var command = new NpgsqlBatchCommand(ReadAfterSql);
                BindPage(place.Conversation, place.Seq - 1, 1)(command.Parameters);
                batch.BatchCommands.Add(command);
            }

            var hits = new List<SearchHit>(places.Count);
            var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var index = 0;
                do
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        var message = ReadMessage(reader);
                        if (message.Seq == places[index].Seq && message.DeletedBy is null)
                        {
                            hits.Add(new SearchHit(message, places[index].Cursor));
                        }
                    }

                    index++;
                }
                while (await reader.NextResultAsync(ct).ConfigureAwait(false));
            }

            return hits;
        }
    }

    /// <summary>
    /// The <c>to_tsquery</c> text of a query: each token a quoted lexeme (quotes doubled, backslashes escaped), a
    /// phrase's tokens joined by <c>&lt;-&gt;</c>, <c>:*</c> on a prefix's last token, terms joined by <c>&amp;</c>,
    /// exclusions as <c>&amp; !( … )</c>.
    /// </summary>
    internal static string RenderTsQuery(SearchQuery query, IReadOnlyDictionary<string, string>? folded = null)
    {
        var builder = new StringBuilder();
        foreach (var term in query.Include)
        {
            if (builder.Length > 0)
            {
                builder.Append(" & ");
            }

            AppendTerm(builder, term, folded);
        }

        foreach (var term in query.Exclude)
        {
            builder.Append(" & !");
            AppendTerm(builder, term, folded);
        }

        return builder.ToString();
    }

    private static void AppendTerm(StringBuilder builder, SearchTerm term, IReadOnlyDictionary<string, string>? folded)
    {
        builder.Append('(');
        for (var i = 0; i < term.Tokens.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(" <-> ");
            }

            var token = folded is not null && folded.TryGetValue(term.Tokens[i], out var f) ? f : term.Tokens[i];
            builder.Append('\'').Append(token.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)).Append('\'');
            if (term.Prefix && i == term.Tokens.Count - 1)
            {
                builder.Append(":*");
            }
        }

        builder.Append(')');
    }
}
