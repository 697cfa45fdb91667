using System.Diagnostics;
using Piazza.Core.Accounts;
using Piazza.Core.Storage;
using Piazza.Storage.Sqlite;

namespace Piazza.Bench.Scenarios;

/// <summary>What <see cref="Seeder"/> wrote.</summary>
internal sealed record SeedResult(long FirstSeq, long LastSeq, double Seconds, long DatabaseBytes);

/// <summary>
/// Fills <c>&lt;data&gt;/piazza.db</c> directly through <see cref="SqliteChatStore"/> (the server's own store, its own
/// schema and insert statement) so that a history benchmark can start from a lobby of a million messages in seconds
/// instead of replaying them through the server. Creates the lobby, one account and its lobby membership.
/// Run it while no server uses the folder.
/// </summary>
internal static class Seeder
{
    public const string Lobby = "lobby";

    public static async Task<SeedResult> RunAsync(string dataFolder, string user, string password, long messages, int batchSize, int textBytes, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var path = Path.Combine(dataFolder, "piazza.db");

        // synchronous=NORMAL: the seeded file is the same; only the seeding's own fsyncs are skipped.
        var store = new SqliteChatStore(new SqliteStoreOptions { Path = path, SynchronousFull = false });
        await using (store.ConfigureAwait(false))
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            var now = DateTimeOffset.UtcNow;
            await store.TryCreateRoomAsync(new RoomRecord(Lobby, Lobby, null, null, now), cancellationToken).ConfigureAwait(false);
            var key = user.ToLowerInvariant();
            if (await store.FindAccountAsync(key, cancellationToken).ConfigureAwait(false) is null)
            {
                // The hash names its iteration count, so the server verifies it whatever its own setting is.
                var hash = new PasswordHasher(PasswordHasher.DefaultIterations).Hash(password);
                await store.TryCreateAccountAsync(new AccountRecord(key, user, hash, now), cancellationToken).ConfigureAwait(false);
            }

            await store.AddMemberAsync(Lobby, key, cancellationToken).ConfigureAwait(false);

            // Append after whatever the lobby already holds, so seeding twice extends it without a gap.
            var first = await store.LastSeqAsync(Lobby, cancellationToken).ConfigureAwait(false) + 1;
            var last = first + messages - 1;
            var text = new byte[Math.Max(textBytes, Payload.MaxHeaderBytes)];
            var batch = new List<StoredMessage>(batchSize);
            var clock = Stopwatch.StartNew();
            var reported = 0L;
            for (var seq = first; seq <= last; seq++)
            {
                // Timestamps one millisecond apart, ending now: plausible history for ts-ordered readers.
                var ts = now.AddMilliseconds(seq - last);
                var length = Payload.Format(text, 0, 0, seq, textBytes);
                batch.Add(new StoredMessage(
                    Lobby,
                    seq,
                    Guid.CreateVersion7(ts).ToString("N"),
                    user,
                    key,
                    null,
                    System.Text.Encoding.ASCII.GetString(text, 0, length),
                    ts,
                    null));
                if (batch.Count == batchSize || seq == last)
                {
                    await store.AppendAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                    if (clock.Elapsed.TotalSeconds - reported >= 5)
                    {
                        reported = (long)clock.Elapsed.TotalSeconds;
                        await log.WriteLineAsync($"  seeded up to seq {seq:N0} ({clock.Elapsed.TotalSeconds:0} s)").ConfigureAwait(false);
                    }
                }
            }

            var seconds = clock.Elapsed.TotalSeconds;
            return new SeedResult(first, last, seconds, DatabaseBytes(path));
        }
    }

    private static long DatabaseBytes(string path)
        => new[] { path, path + "-wal" }.Where(File.Exists).Sum(p => new FileInfo(p).Length);
}
