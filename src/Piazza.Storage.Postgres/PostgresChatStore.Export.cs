using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

public sealed partial class PostgresChatStore
{
    // The primary key's (conversation, seq) order (conversation is COLLATE "C": ordinal, as SQLite) with a row-value
    // cursor: each page resumes where the last stopped, so a whole export is one walk of the index.
    internal const string MessagesOfSenderSql = $"""
        SELECT {MessageColumns}, deleted_by, mentions, edited_at, reply_to, sender_bot FROM messages
        WHERE (conversation, seq) > (@conversation, @seq) AND sender_account = @account
        ORDER BY conversation, seq LIMIT @limit;
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
                p.Add(Text("conversation", after?.Conversation ?? ""));
                p.Add(Bigint("seq", after?.Seq ?? 0));
                p.Add(Text("account", accountKey));
                p.Add(Integer("limit", limit));
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
            $"""SELECT {FileColumns} FROM files WHERE owner = @owner AND id COLLATE "C" > @after ORDER BY id COLLATE "C" LIMIT @limit;""",
            p =>
            {
                p.Add(Text("owner", owner));
                p.Add(Text("after", afterId ?? ""));
                p.Add(Integer("limit", limit));
            },
            ReadFile,
            cancellationToken).ConfigureAwait(false);
    }
}
