using Npgsql;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

/// <summary>Pinned messages (<see cref="IPinStore"/>): one small table, read whole per conversation (at most 50 rows).</summary>
public sealed partial class PostgresChatStore
{
    /// <summary>
    /// The conversation's pin lock (transaction-scoped): pins are counted and added under it, and a retention cut
    /// takes it too, so a message pinned meanwhile is either seen as pinned by the cut or found gone by the pin.
    /// </summary>
    private const string LockPinsSql = "SELECT pg_advisory_xact_lock(hashtextextended('pins:' || @conversation, 0));";

    public Task<PinOutcome> PinAsync(PinRecord pin, int maxPins, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pin);
        return InTransactionAsync(
            async (connection, transaction, ct) =>
            {
                // Pins of one conversation are taken one at a time across nodes (a transaction-scoped advisory lock on
                // the conversation), so the count and the insert cannot interleave with another node's pin.
                _ = await QueryAsync(connection, transaction, LockPinsSql, p => p.Add(Text("conversation", pin.Conversation)), _ => 0, ct).ConfigureAwait(false);
                var counts = await QueryAsync(
                    connection,
                    transaction,
                    "SELECT count(*), count(*) FILTER (WHERE seq = @seq) FROM pins WHERE conversation = @conversation;",
                    p =>
                    {
                        p.Add(Text("conversation", pin.Conversation));
                        p.Add(Bigint("seq", pin.Seq));
                    },
                    r => (Count: r.GetInt64(0), Already: r.GetInt64(1)),
                    ct).ConfigureAwait(false);
                if (counts[0].Already > 0)
                {
                    return PinOutcome.AlreadyPinned;
                }

                if (counts[0].Count >= maxPins)
                {
                    return PinOutcome.Full;
                }

                // Only a standing message, locked against a deletion running meanwhile (which drops pins in its transaction).
                var insert = new NpgsqlCommand(
                    """
                    INSERT INTO pins (conversation, seq, message_id, pinned_by, pinned_at)
                    SELECT @conversation, @seq, @message_id, @by, @at
                    WHERE EXISTS (SELECT 1 FROM messages WHERE conversation = @conversation AND seq = @seq AND deleted_by IS NULL FOR UPDATE);
                    """,
                    connection,
                    transaction);
                await using (insert.ConfigureAwait(false))
                {
                    insert.Parameters.Add(Text("conversation", pin.Conversation));
                    insert.Parameters.Add(Bigint("seq", pin.Seq));
                    insert.Parameters.Add(Text("message_id", pin.MessageId));
                    insert.Parameters.Add(Text("by", pin.PinnedBy));
                    insert.Parameters.Add(Time("at", pin.PinnedAt));
                    if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                    {
                        return PinOutcome.NoMessage;
                    }
                }

                return PinOutcome.Added;
            },
            cancellationToken);
    }

    public async Task<bool> UnpinAsync(string conversation, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var removed = await ExecuteAsync(
            "DELETE FROM pins WHERE conversation = @conversation AND seq = @seq;",
            p =>
            {
                p.Add(Text("conversation", conversation));
                p.Add(Bigint("seq", seq));
            },
            cancellationToken).ConfigureAwait(false);
        return removed == 1;
    }

    public async Task<IReadOnlyList<PinRecord>> PinsAsync(string conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return await ReadAsync(
            "SELECT conversation, seq, message_id, pinned_by, pinned_at FROM pins WHERE conversation = @conversation ORDER BY id DESC;",
            p => p.Add(Text("conversation", conversation)),
            r => new PinRecord(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), ReadTime(r, 4)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops a deleted message's pin, inside the deletion's transaction.</summary>
    private static async Task DropPinAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string conversation, long seq, CancellationToken cancellationToken)
    {
        var drop = new NpgsqlCommand("DELETE FROM pins WHERE conversation = @conversation AND seq = @seq;", connection, transaction);
        await using (drop.ConfigureAwait(false))
        {
            drop.Parameters.Add(Text("conversation", conversation));
            drop.Parameters.Add(Bigint("seq", seq));
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
