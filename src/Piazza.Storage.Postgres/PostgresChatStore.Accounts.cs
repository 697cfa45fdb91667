using Piazza.Core;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

public sealed partial class PostgresChatStore
{
    public async Task<AccountRecord?> FindAccountAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var rows = await ReadAsync(
            "SELECT key, name, password_hash, created_at, bot, disabled FROM accounts WHERE key = @key;",
            p => p.Add(Text("key", key)),
            r => new AccountRecord(r.GetString(0), r.GetString(1), r.GetString(2), ReadTime(r, 3)) { Bot = r.GetBoolean(4), Disabled = r.GetBoolean(5) },
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<bool> TryCreateAccountAsync(AccountRecord account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        var inserted = await ExecuteAsync(
            """
            INSERT INTO accounts (key, name, password_hash, created_at, skeleton, bot)
            VALUES (@key, @name, @password_hash, @created_at, @skeleton, @bot)
            ON CONFLICT (key) DO NOTHING;
            """,
            p =>
            {
                p.Add(Text("key", account.Key));
                p.Add(Text("name", account.Name));
                p.Add(Text("password_hash", account.PasswordHash));
                p.Add(Time("created_at", account.CreatedAt));
                p.Add(Text("skeleton", NameSkeleton.Of(account.Name)));
                p.Add(Boolean("bot", account.Bot));
            },
            cancellationToken).ConfigureAwait(false);
        return inserted == 1;
    }

    public Task<string?> FindConfusableAccountAsync(string skeleton, string exceptKey, CancellationToken cancellationToken = default)
        => FindBySkeletonAsync("SELECT name FROM accounts WHERE skeleton = @skeleton AND key <> @key LIMIT 1;", skeleton, exceptKey, cancellationToken);

    public Task UpdatePasswordAsync(string key, string passwordHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(passwordHash);
        return ExecuteAsync(
            "UPDATE accounts SET password_hash = @password_hash WHERE key = @key;",
            p =>
            {
                p.Add(Text("key", key));
                p.Add(Text("password_hash", passwordHash));
            },
            cancellationToken);
    }

    public Task AddTokenAsync(byte[] tokenHash, string accountKey, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        ArgumentNullException.ThrowIfNull(accountKey);
        return ExecuteAsync(
            "INSERT INTO tokens (hash, account_key, expires_at) VALUES (@hash, @account_key, @expires_at);",
            p =>
            {
                p.Add(Bytes("hash", tokenHash));
                p.Add(Text("account_key", accountKey));
                p.Add(Time("expires_at", expiresAt));
            },
            cancellationToken);
    }

    public async Task<string?> FindTokenAccountAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        var rows = await ReadAsync(
            "SELECT account_key FROM tokens WHERE hash = @hash AND NOT revoked AND expires_at > @now;",
            p =>
            {
                p.Add(Bytes("hash", tokenHash));
                p.Add(Time("now", now));
            },
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task RevokeTokenAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return ExecuteAsync("UPDATE tokens SET revoked = true WHERE hash = @hash;", p => p.Add(Bytes("hash", tokenHash)), cancellationToken);
    }

    public Task RevokeAllTokensAsync(string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        return ExecuteAsync(
            "UPDATE tokens SET revoked = true WHERE account_key = @account_key AND NOT revoked;",
            p => p.Add(Text("account_key", accountKey)),
            cancellationToken);
    }

    public Task<int> PruneTokensAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
        => ExecuteAsync("DELETE FROM tokens WHERE expires_at <= @now OR revoked;", p => p.Add(Time("now", now)), cancellationToken);
}
