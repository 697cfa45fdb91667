using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    // The primary key's (conversation, seq) order with a row-value cursor: each page resumes where the last stopped, so
    // a whole export is one walk of the table (there is no index by sender: an export is rare, a send is not).
    internal const string MessagesOfSenderSql = $"""
        SELECT {MessageColumns}, deleted_by, mentions, edited_at, reply_to, sender_bot FROM messages
        WHERE (conversation, seq) > ($conversation, $seq) AND sender_account = $account
        ORDER BY conversation, seq LIMIT $limit;
        """;

    public async Task<IReadOnlyList<StoredMessage>> MessagesOfSenderAsync(string accountKey, MessagePosition? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var rows = await ReadAsync(
            MessagesOfSenderSql,
            p =>
            {
                // "" and 0 sort before every stored position.
                p.AddWithValue("$conversation", after?.Conversation ?? "");
                p.AddWithValue("$seq", after?.Seq ?? 0);
                p.AddWithValue("$account", accountKey);
                p.AddWithValue("$limit", limit);
            },
            ReadMessage,
            cancellationToken).ConfigureAwait(false);
        return await WithReactionsAsync(await WithQuotesAsync(rows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<FileRecord>> FilesOfOwnerAsync(string owner, string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await ReadAsync(
            $"SELECT {FileColumns} FROM files WHERE owner = $owner AND id > $after ORDER BY id LIMIT $limit;",
            p =>
            {
                p.AddWithValue("$owner", owner);
                p.AddWithValue("$after", afterId ?? "");
                p.AddWithValue("$limit", limit);
            },
            ReadFile,
            cancellationToken).ConfigureAwait(false);
    }
}
