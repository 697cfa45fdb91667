using Npgsql;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

/// <summary>Sessions and named tokens (<see cref="ITokenStore"/>). A token that never expires is stored with <see cref="NoExpiry"/>.</summary>
public sealed partial class PostgresChatStore
{
    private static readonly DateTimeOffset NoExpiry = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    private const string TokenColumns = "hash, account_key, created_at, expires_at, name, scopes, label, last_used_at";

    public async Task<bool> TryAddTokenAsync(TokenRecord token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Name is not null)
        {
            // A revoked or expired token's name is free again: its row goes now rather than at the next prune.
            await ExecuteAsync(
                "DELETE FROM tokens WHERE account_key = @account_key AND name = @name AND (revoked OR expires_at <= @now);",
                p =>
                {
                    p.Add(Text("account_key", token.AccountKey));
                    p.Add(Text("name", token.Name));
                    p.Add(Time("now", token.CreatedAt));
                },
                cancellationToken).ConfigureAwait(false);
        }

        var inserted = await ExecuteAsync(
            $"""
            INSERT INTO tokens ({TokenColumns}, revoked)
            VALUES (@hash, @account_key, @created_at, @expires_at, @name, @scopes, @label, @last_used_at, false)
            ON CONFLICT DO NOTHING;
            """,
            p =>
            {
                p.Add(Bytes("hash", token.Hash));
                p.Add(Text("account_key", token.AccountKey));
                p.Add(Time("created_at", token.CreatedAt));
                p.Add(Time("expires_at", token.ExpiresAt ?? NoExpiry));
                p.Add(Text("name", token.Name));
                p.Add(Text("scopes", token.Scopes));
                p.Add(Text("label", token.Label));
                p.Add(Time("last_used_at", token.LastUsedAt));
            },
            cancellationToken).ConfigureAwait(false);
        return inserted == 1;
    }

    public async Task<TokenRecord?> FindTokenAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        var rows = await ReadAsync(
            $"SELECT {TokenColumns} FROM tokens WHERE hash = @hash AND NOT revoked AND expires_at > @now;",
            p =>
            {
                p.Add(Bytes("hash", tokenHash));
                p.Add(Time("now", now));
            },
            ReadToken,
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task TouchTokenAsync(byte[] tokenHash, DateTimeOffset usedAt, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return ExecuteAsync(
            "UPDATE tokens SET last_used_at = @used, expires_at = coalesce(@expires, expires_at) WHERE hash = @hash AND NOT revoked;",
            p =>
            {
                p.Add(Bytes("hash", tokenHash));
                p.Add(Time("used", usedAt));
                p.Add(Time("expires", expiresAt));
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<TokenRecord>> ListTokensAsync(string accountKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        return await ReadAsync(
            $"SELECT {TokenColumns} FROM tokens WHERE account_key = @account_key AND NOT revoked AND expires_at > @now ORDER BY created_at, hash;",
            p =>
            {
                p.Add(Text("account_key", accountKey));
                p.Add(Time("now", now));
            },
            ReadToken,
            cancellationToken).ConfigureAwait(false);
    }

    private static TokenRecord ReadToken(NpgsqlDataReader r)
    {
        var expires = ReadTime(r, 3);
        return new TokenRecord(r.GetFieldValue<byte[]>(0), r.GetString(1), ReadTime(r, 2), expires >= NoExpiry ? null : expires)
        {
            Name = r.IsDBNull(4) ? null : r.GetString(4),
            Scopes = r.IsDBNull(5) ? null : r.GetString(5),
            Label = r.IsDBNull(6) ? null : r.GetString(6),
            LastUsedAt = ReadNullableTime(r, 7),
        };
    }

    /// <summary>A message row's <c>sender_bot</c> when the query selected it (by name, as edited_at and reply_to are read).</summary>
    private static bool SenderBotOf(NpgsqlDataReader r)
    {
        for (var i = r.FieldCount - 1; i >= 14; i--)
        {
            if (string.Equals(r.GetName(i), "sender_bot", StringComparison.Ordinal))
            {
                return !r.IsDBNull(i) && r.GetBoolean(i);
            }
        }

        return false;
    }
}
