using Microsoft.Data.Sqlite;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

/// <summary>Sessions and named tokens (<see cref="ITokenStore"/>). A token that never expires is stored with <see cref="NoExpiry"/>.</summary>
public sealed partial class SqliteChatStore
{
    private static readonly DateTimeOffset NoExpiry = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    private const string TokenColumns = "hash, account_key, created_at, expires_at, name, scopes, label, last_used_at";

    public async Task<bool> TryAddTokenAsync(TokenRecord token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Name is not null)
        {
            // A revoked or expired token's name is free again: its row goes now rather than at the next prune.
            await WriteAsync(
                "DELETE FROM tokens WHERE account_key = $account_key AND name = $name AND (revoked = 1 OR expires_at <= $now);",
                p =>
                {
                    p.AddWithValue("$account_key", token.AccountKey);
                    p.AddWithValue("$name", token.Name);
                    p.AddWithValue("$now", ToUnixMs(token.CreatedAt));
                },
                cancellationToken).ConfigureAwait(false);
        }

        var inserted = await WriteAsync(
            $"""
            INSERT INTO tokens ({TokenColumns}, revoked)
            VALUES ($hash, $account_key, $created_at, $expires_at, $name, $scopes, $label, $last_used_at, 0)
            ON CONFLICT DO NOTHING;
            """,
            p =>
            {
                p.AddWithValue("$hash", token.Hash);
                p.AddWithValue("$account_key", token.AccountKey);
                p.AddWithValue("$created_at", ToUnixMs(token.CreatedAt));
                p.AddWithValue("$expires_at", ToUnixMs(token.ExpiresAt ?? NoExpiry));
                p.AddWithValue("$name", OrDbNull(token.Name));
                p.AddWithValue("$scopes", OrDbNull(token.Scopes));
                p.AddWithValue("$label", OrDbNull(token.Label));
                p.AddWithValue("$last_used_at", token.LastUsedAt is { } used ? ToUnixMs(used) : DBNull.Value);
            },
            cancellationToken).ConfigureAwait(false);
        return inserted == 1;
    }

    public async Task<TokenRecord?> FindTokenAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        var rows = await ReadAsync(
            $"SELECT {TokenColumns} FROM tokens WHERE hash = $hash AND revoked = 0 AND expires_at > $now;",
            p =>
            {
                p.AddWithValue("$hash", tokenHash);
                p.AddWithValue("$now", ToUnixMs(now));
            },
            ReadToken,
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task TouchTokenAsync(byte[] tokenHash, DateTimeOffset usedAt, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return WriteAsync(
            "UPDATE tokens SET last_used_at = $used, expires_at = coalesce($expires, expires_at) WHERE hash = $hash AND revoked = 0;",
            p =>
            {
                p.AddWithValue("$hash", tokenHash);
                p.AddWithValue("$used", ToUnixMs(usedAt));
                p.AddWithValue("$expires", expiresAt is { } expires ? ToUnixMs(expires) : DBNull.Value);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<TokenRecord>> ListTokensAsync(string accountKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        return await ReadAsync(
            $"SELECT {TokenColumns} FROM tokens WHERE account_key = $account_key AND revoked = 0 AND expires_at > $now ORDER BY created_at, hash;",
            p =>
            {
                p.AddWithValue("$account_key", accountKey);
                p.AddWithValue("$now", ToUnixMs(now));
            },
            ReadToken,
            cancellationToken).ConfigureAwait(false);
    }

    private static TokenRecord ReadToken(SqliteDataReader r)
    {
        var expires = FromUnixMs(r.GetInt64(3));
        return new TokenRecord((byte[])r.GetValue(0), r.GetString(1), FromUnixMs(r.GetInt64(2)), expires >= NoExpiry ? null : expires)
        {
            Name = GetNullableString(r, 4),
            Scopes = GetNullableString(r, 5),
            Label = GetNullableString(r, 6),
            LastUsedAt = r.IsDBNull(7) ? null : FromUnixMs(r.GetInt64(7)),
        };
    }

    /// <summary>A message row's <c>sender_bot</c> when the query selected it (by name, as edited_at and reply_to are read).</summary>
    private static bool SenderBotOf(SqliteDataReader r)
    {
        for (var i = r.FieldCount - 1; i >= 14; i--)
        {
            if (string.Equals(r.GetName(i), "sender_bot", StringComparison.Ordinal))
            {
                return !r.IsDBNull(i) && r.GetInt64(i) != 0;
            }
        }

        return false;
    }
}
