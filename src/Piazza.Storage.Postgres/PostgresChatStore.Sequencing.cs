using Npgsql;
using NpgsqlTypes;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

public sealed partial class PostgresChatStore
{
    /// <summary>How many times a batch is tried when another node's concurrent transaction got in its way.</summary>
    internal const int MaxConflictAttempts = 5;

    // Takes the next n seqs of each conversation: the upsert holds the counter row's lock until commit, so concurrent
    // appenders on any node queue on it and get consecutive ranges; a rolled-back transaction gives its range back.
    // Rows are locked in the order given (ordinal by conversation), the same on every node: no deadlock.
    private const string TakeSeqsSql = """
        INSERT INTO conversation_seqs AS s (conversation, last_seq)
        SELECT c, n FROM unnest(@conversations, @counts) WITH ORDINALITY AS t(c, n, i) ORDER BY i
        ON CONFLICT (conversation) DO UPDATE SET last_seq = s.last_seq + excluded.last_seq
        RETURNING conversation, last_seq;
        """;

    /// <summary>
    /// Assigns seqs in the PostgreSQL transaction that stores the messages, from each conversation's counter row
    /// (<c>conversation_seqs</c>). Client ids already stored are found first, in the transaction; one stored by
    /// another node meanwhile makes the unique index refuse the insert (23505), and the whole batch is tried again,
    /// then finding it stored.
    /// </summary>
    public async Task<IReadOnlyList<AppendedMessage>> AppendAssigningAsync(IReadOnlyList<StoredMessage> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return [];
        }

        // Validated before the transaction so a bad private key fails the batch and takes no seq.
        LatestActivityByParticipant(batch);
        return await RetryingConflictsAsync(
            () => InTransactionAsync((connection, transaction, ct) => AppendAssigningOnceAsync(connection, transaction, batch, ct), cancellationToken))
            .ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<AppendedMessage>> AppendAssigningOnceAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<StoredMessage> batch,
        CancellationToken ct)
    {
        var stored = await StoredClientIdsAsync(connection, transaction, batch, ct).ConfigureAwait(false);
        var results = new AppendedMessage[batch.Count];
        var repeats = new List<(int Index, int FirstIndex)>();
        var firstInBatch = new Dictionary<(string, string, string), int>();
        var fresh = new List<int>(batch.Count);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i];
            if (message.FromAccount is { } account && message.ClientId is { } clientId)
            {
                if (stored.TryGetValue((account, message.Conversation, clientId), out var earlier))
                {
                    results[i] = new AppendedMessage(earlier, Duplicate: true);
                    continue;
                }

                if (firstInBatch.TryGetValue((account, message.Conversation, clientId), out var first))
                {
                    repeats.Add((i, first));
                    continue;
                }

                firstInBatch[(account, message.Conversation, clientId)] = i;
            }

            fresh.Add(i);
            counts[message.Conversation] = counts.GetValueOrDefault(message.Conversation) + 1;
        }

        if (fresh.Count > 0)
        {
            var next = await TakeSeqsAsync(connection, transaction, counts, ct).ConfigureAwait(false);
            var rows = new List<StoredMessage>(fresh.Count);
            foreach (var i in fresh)
            {
                var message = batch[i];
                var seq = next[message.Conversation]++;
                var row = message with { Seq = seq };
                rows.Add(row);
                results[i] = new AppendedMessage(row, Duplicate: false);
            }

            var commands = new NpgsqlBatch(connection, transaction);
            await using (commands.ConfigureAwait(false))
            {
                AddInserts(commands, rows);
                await commands.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }

        foreach (var (index, first) in repeats)
        {
            results[index] = new AppendedMessage(results[first].Message, Duplicate: true);
        }

        return results;
    }

    /// <summary>Moves each conversation's counter on by its count; answers the first seq taken for each.</summary>
    private static async Task<Dictionary<string, long>> TakeSeqsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Dictionary<string, long> counts,
        CancellationToken ct)
    {
        var conversations = counts.Keys.Order(StringComparer.Ordinal).ToArray();
        var last = await QueryAsync(
            connection,
            transaction,
            TakeSeqsSql,
            p =>
            {
                p.Add(Array("conversations", NpgsqlDbType.Text, conversations));
                p.Add(Array("counts", NpgsqlDbType.Bigint, conversations.Select(c => counts[c]).ToArray()));
            },
            r => (Conversation: r.GetString(0), Last: r.GetInt64(1)),
            ct).ConfigureAwait(false);
        return last.ToDictionary(x => x.Conversation, x => x.Last - counts[x.Conversation] + 1, StringComparer.Ordinal);
    }

    /// <summary>
    /// Runs a write transaction again (a bounded number of times) when a concurrent transaction of another node
    /// stored the same client id first, or PostgreSQL broke a deadlock or a serialisation conflict by aborting it.
    /// </summary>
    private static async Task<T> RetryingConflictsAsync<T>(Func<Task<T>> transaction)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction().ConfigureAwait(false);
            }
            catch (PostgresException e) when (attempt < MaxConflictAttempts && IsConflict(e))
            {
            }
        }
    }

    private static bool IsConflict(PostgresException e) =>
        (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "messages_by_client_id")
        || e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;
}
