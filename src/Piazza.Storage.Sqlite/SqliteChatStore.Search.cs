using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Piazza.Core.Search;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

/// <summary>
/// Full-text search on FTS5 (migration 12): the parsed query is rendered as an FTS5 expression of quoted tokens only,
/// so user text is never FTS5 syntax. Results walk the index newest first (doc ids are in the order stored) and
/// keep only standing messages of the conversations the core passed; each is then read as history reads it.
/// </summary>
public sealed partial class SqliteChatStore
{
    // Internal so tests can check the plan. CROSS JOIN keeps the FTS5 index the outer loop, walked by rowid downwards.
    internal const string SearchSql = """
        SELECT d.conversation, d.seq, d.id
        FROM message_fts f
        CROSS JOIN message_search_docs d
        CROSS JOIN messages m
        WHERE message_fts MATCH $match AND f.rowid < $before
          AND d.id = f.rowid
          AND d.conversation IN (SELECT value FROM json_each($conversations))
          AND m.conversation = d.conversation AND m.seq = d.seq AND m.deleted_by IS NULL
          AND ($from IS NULL OR m.sender_account = $from OR (m.sender_account IS NULL AND lower(m.sender) = $from))
        ORDER BY f.rowid DESC
        LIMIT $limit;
        """;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.Limit);
        if (request.Conversations.Count == 0)
        {
            return [];
        }

        using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var places = new List<(string Conversation, long Seq, long Cursor)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = SearchSql;
            command.Parameters.AddWithValue("$match", RenderMatch(request.Query));
            command.Parameters.AddWithValue("$before", request.Before ?? long.MaxValue);
            command.Parameters.AddWithValue("$conversations", JsonArray(request.Conversations));
            command.Parameters.AddWithValue("$from", (object?)request.From ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", request.Limit);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                places.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }

        // Each hit is read as history reads it (ReadAfterSql at seq - 1, one row), so it carries every field history does.
        var hits = new List<SearchHit>(places.Count);
        using var read = connection.CreateCommand();
        read.CommandText = ReadAfterSql;
        var conversation = read.Parameters.Add("$conversation", SqliteType.Text);
        var seq = read.Parameters.Add("$seq", SqliteType.Integer);
        read.Parameters.AddWithValue("$limit", 1);
        foreach (var place in places)
        {
            conversation.Value = place.Conversation;
            seq.Value = place.Seq - 1;
            using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var message = ReadMessage(reader);
                if (message.Seq == place.Seq && message.DeletedBy is null)
                {
                    hits.Add(new SearchHit(message, place.Cursor));
                }
            }
        }

        return hits;
    }

    /// <summary>
    /// The FTS5 expression of a query: each term a quoted string of its tokens (a phrase when several), <c>*</c> after
    /// it for a prefix, all joined by AND, exclusions by NOT. Tokens hold only letters and digits; quotes are doubled anyway.
    /// </summary>
    internal static string RenderMatch(SearchQuery query)
    {
        var builder = new StringBuilder();
        foreach (var term in query.Include)
        {
            if (builder.Length > 0)
            {
                builder.Append(" AND ");
            }

            AppendTerm(builder, term);
        }

        if (query.Exclude.Count > 0)
        {
            builder.Insert(0, '(').Append(')');
            foreach (var term in query.Exclude)
            {
                builder.Append(" NOT ");
                AppendTerm(builder, term);
            }
        }

        return builder.ToString();
    }

    private static void AppendTerm(StringBuilder builder, SearchTerm term)
    {
        builder.Append('"').Append(string.Join(' ', term.Tokens).Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        if (term.Prefix)
        {
            builder.Append('*');
        }
    }

    private static string JsonArray(IReadOnlyList<string> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
