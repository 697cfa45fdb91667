using Piazza.Core;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    public async Task<AccountRecord?> FindAccountAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var rows = await ReadAsync(
            "SELECT key, name, password_hash, created_at, bot, disabled FROM accounts WHERE key = $key;",
            p => p.AddWithValue("$key", key),
            r => new AccountRecord(r.GetString(0), r.GetString(1), r.GetString(2), FromUnixMs(r.GetInt64(3))) { Bot = r.GetInt64(4) != 0, Disabled = r.GetInt64(5) != 0 },
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<bool> TryCreateAccountAsync(AccountRecord account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        // ON CONFLICT DO NOTHING turns a taken key into "0 rows" without an exception; other faults still throw.
        var inserted = await WriteAsync(
            """
            INSERT INTO accounts (key, name, password_hash, created_at, skeleton, bot)
            VALUES ($key, $name, $password_hash, $created_at, $skeleton, $bot)
            ON CONFLICT (key) DO NOTHING;
            """,
            p =>
            {
                p.AddWithValue("$key", account.Key);
                p.AddWithValue("$name", account.Name);
                p.AddWithValue("$password_hash", account.PasswordHash);
                p.AddWithValue("$created_at", ToUnixMs(account.CreatedAt));
                p.AddWithValue("$skeleton", NameSkeleton.Of(account.Name));
                p.AddWithValue("$bot", account.Bot ? 1 : 0);
            },
            cancellationToken).ConfigureAwait(false);
        return inserted == 1;
    }

    private const string FindConfusableAccountSql = "SELECT name FROM accounts WHERE skeleton = $skeleton AND key <> $key LIMIT 1;";

    public Task<string?> FindConfusableAccountAsync(string skeleton, string exceptKey, CancellationToken cancellationToken = default)
        => FindBySkeletonAsync(FindConfusableAccountSql, skeleton, exceptKey, cancellationToken);

    public Task UpdatePasswordAsync(string key, string passwordHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(passwordHash);
        return WriteAsync(
            "UPDATE accounts SET password_hash = $password_hash WHERE key = $key;",
            p =>
            {
                p.AddWithValue("$key", key);
                p.AddWithValue("$password_hash", passwordHash);
            },
            cancellationToken);
    }

    public Task AddTokenAsync(
        byte[] tokenHash,
        string accountKey,
        DateTimeOffset expiresAt,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        ArgumentNullException.ThrowIfNull(accountKey);
        return WriteAsync(
            "INSERT INTO tokens (hash, account_key, expires_at) VALUES ($hash, $account_key, $expires_at);",
            p =>
            {
                p.AddWithValue("$hash", tokenHash);
                p.AddWithValue("$account_key", accountKey);
                p.AddWithValue("$expires_at", ToUnixMs(expiresAt));
            },
            cancellationToken);
    }

    public async Task<string?> FindTokenAccountAsync(
        byte[] tokenHash,
        DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        var rows = await ReadAsync(
            "SELECT account_key FROM tokens WHERE hash = $hash AND revoked = 0 AND expires_at > $now;",
            p =>
            {
                p.AddWithValue("$hash", tokenHash);
                p.AddWithValue("$now", ToUnixMs(now));
            },
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task RevokeTokenAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return WriteAsync(
            "UPDATE tokens SET revoked = 1 WHERE hash = $hash;",
            p => p.AddWithValue("$hash", tokenHash),
            cancellationToken);
    }

    public Task RevokeAllTokensAsync(string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        return WriteAsync(
            "UPDATE tokens SET revoked = 1 WHERE account_key = $account_key AND revoked = 0;",
            p => p.AddWithValue("$account_key", accountKey),
            cancellationToken);
    }

    public Task<int> PruneTokensAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
        => WriteAsync(
            "DELETE FROM tokens WHERE expires_at <= $now OR revoked = 1;",
            p => p.AddWithValue("$now", ToUnixMs(now)),
            cancellationToken);
}
