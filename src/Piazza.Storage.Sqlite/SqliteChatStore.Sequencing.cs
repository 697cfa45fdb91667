using Microsoft.Data.Sqlite;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    /// <summary>
    /// Assigns seqs inside the write transaction: <c>BEGIN IMMEDIATE</c> holds the file's write lock, so reading each
    /// conversation's last seq there is safe even against another process on the same file.
    /// </summary>
    public async Task<IReadOnlyList<AppendedMessage>> AppendAssigningAsync(IReadOnlyList<StoredMessage> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return [];
        }

        return await WriteAsync(
            async (connection, ct) =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                var results = new AppendedMessage[batch.Count];
                var toInsert = new List<StoredMessage>(batch.Count);
                var lastSeqs = new Dictionary<string, long>(StringComparer.Ordinal);
                var inBatch = new Dictionary<(string, string, string), StoredMessage>();
                for (var i = 0; i < batch.Count; i++)
                {
                    var message = batch[i];
                    if (message.FromAccount is { } account && message.ClientId is { } clientId)
                    {
                        var earlier = inBatch.GetValueOrDefault((account, message.Conversation, clientId))
                            ?? await FindByClientIdLockedAsync(connection, transaction, message.Conversation, account, clientId, ct).ConfigureAwait(false);
                        if (earlier is not null)
                        {
                            results[i] = new AppendedMessage(earlier, Duplicate: true);
                            continue;
                        }
                    }

                    if (!lastSeqs.TryGetValue(message.Conversation, out var last))
                    {
                        last = await LastSeqLockedAsync(connection, transaction, message.Conversation, ct).ConfigureAwait(false);
                    }

                    var stored = message with { Seq = last + 1 };
                    lastSeqs[message.Conversation] = last + 1;
                    toInsert.Add(stored);
                    results[i] = new AppendedMessage(stored, Duplicate: false);
                    if (stored.FromAccount is { } a && stored.ClientId is { } c)
                    {
                        inBatch[(a, stored.Conversation, c)] = stored;
                    }
                }

                await InsertLockedAsync(connection, transaction, toInsert, LatestActivityByParticipant(toInsert), ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return (IReadOnlyList<AppendedMessage>)results;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> LastSeqLockedAsync(SqliteConnection connection, SqliteTransaction transaction, string conversation, CancellationToken ct)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = LastSeqSql;
        command.Parameters.AddWithValue("$conversation", conversation);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long seq ? seq : 0;
    }

    private static async Task<StoredMessage?> FindByClientIdLockedAsync(
        SqliteConnection connection, SqliteTransaction transaction, string conversation, string account, string clientId, CancellationToken ct)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = FindByClientIdSql;
        command.Parameters.AddWithValue("$account", account);
        command.Parameters.AddWithValue("$conversation", conversation);
        command.Parameters.AddWithValue("$client_id", clientId);
        using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadMessage(reader) : null;
    }
}
