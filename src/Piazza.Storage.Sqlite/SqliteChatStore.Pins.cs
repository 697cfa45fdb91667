using Microsoft.Data.Sqlite;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

/// <summary>Pinned messages (<see cref="IPinStore"/>): one small table, read whole per conversation (at most 50 rows).</summary>
public sealed partial class SqliteChatStore
{
    public Task<PinOutcome> PinAsync(PinRecord pin, int maxPins, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pin);
        return WriteAsync(
            async (connection, ct) =>
            {
                // One writer connection: the count and the insert cannot interleave with another pin.
                using var transaction = connection.BeginTransaction(deferred: false);
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.Parameters.AddWithValue("$conversation", pin.Conversation);
                command.Parameters.AddWithValue("$seq", pin.Seq);
                command.CommandText = "SELECT count(*), coalesce(sum(seq = $seq), 0) FROM pins WHERE conversation = $conversation;";
                long count, already;
                using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
                {
                    await reader.ReadAsync(ct).ConfigureAwait(false);
                    count = reader.GetInt64(0);
                    already = reader.GetInt64(1);
                }

                if (already > 0)
                {
                    return PinOutcome.AlreadyPinned;
                }

                if (count >= maxPins)
                {
                    return PinOutcome.Full;
                }

                // Only a standing message: a deletion that ran first must not leave a pin behind.
                command.CommandText = """
                    INSERT INTO pins (conversation, seq, message_id, pinned_by, pinned_at)
                    SELECT $conversation, $seq, $message_id, $by, $at
                    WHERE EXISTS (SELECT 1 FROM messages WHERE conversation = $conversation AND seq = $seq AND deleted_by IS NULL);
                    """;
                command.Parameters.AddWithValue("$message_id", pin.MessageId);
                command.Parameters.AddWithValue("$by", pin.PinnedBy);
                command.Parameters.AddWithValue("$at", ToUnixMs(pin.PinnedAt));
                if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                {
                    return PinOutcome.NoMessage;
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return PinOutcome.Added;
            },
            cancellationToken);
    }

    public async Task<bool> UnpinAsync(string conversation, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var removed = await WriteAsync(
            "DELETE FROM pins WHERE conversation = $conversation AND seq = $seq;",
            p =>
            {
                p.AddWithValue("$conversation", conversation);
                p.AddWithValue("$seq", seq);
            },
            cancellationToken).ConfigureAwait(false);
        return removed == 1;
    }

    public async Task<IReadOnlyList<PinRecord>> PinsAsync(string conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return await ReadAsync(
            "SELECT conversation, seq, message_id, pinned_by, pinned_at FROM pins WHERE conversation = $conversation ORDER BY rowid DESC;",
            p => p.AddWithValue("$conversation", conversation),
            ReadPin,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops a deleted message's pin, inside the deletion's transaction.</summary>
    private static async Task DropPinAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        command.CommandText = "DELETE FROM pins WHERE conversation = $conversation AND seq = $seq;";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static PinRecord ReadPin(SqliteDataReader r) => new(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), FromUnixMs(r.GetInt64(4)));
}
