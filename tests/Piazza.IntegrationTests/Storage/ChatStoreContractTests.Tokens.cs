using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>The token part of the store contract: rows that can never be used again are deleted, not kept for ever.</summary>
public abstract partial class ChatStoreContractTests
{
    /// <summary>Issue 11: "token rows are never pruned"; every login added a row that stayed after it expired or was revoked.</summary>
    [Fact]
    public async Task Expired_and_revoked_token_rows_are_pruned_and_usable_ones_kept()
    {
        await CreateAccountsAsync("alice", "bob");
        byte[] expired = [1], expiresNow = [2], revoked = [3], valid = [4], otherValid = [5];
        await Store.AddTokenAsync(expired, "alice", T0.AddMinutes(-1));
        await Store.AddTokenAsync(expiresNow, "alice", T0);
        await Store.AddTokenAsync(revoked, "alice", T0.AddDays(1));
        await Store.AddTokenAsync(valid, "alice", T0.AddMilliseconds(1));
        await Store.AddTokenAsync(otherValid, "bob", T0.AddDays(1));
        await Store.RevokeTokenAsync(revoked);

        Assert.Equal(3, await Store.PruneTokensAsync(T0));
        Assert.Equal(0, await Store.PruneTokensAsync(T0));

        Assert.Equal("alice", await Store.FindTokenAccountAsync(valid, T0));
        Assert.Equal("bob", await Store.FindTokenAccountAsync(otherValid, T0));

        // The pruned hashes are gone for good: adding one again is a new row, not a conflict with a dead one.
        await Store.AddTokenAsync(expired, "alice", T0.AddDays(1));
        Assert.Equal("alice", await Store.FindTokenAccountAsync(expired, T0));

        await ReopenAsync();
        Assert.Equal(1, await Store.PruneTokensAsync(T0.AddHours(1)));
        Assert.Null(await Store.FindTokenAccountAsync(valid, T0));
        Assert.Equal("bob", await Store.FindTokenAccountAsync(otherValid, T0.AddHours(1)));
    }

    private static TokenRecord Session(byte[] hash, string account, int minute = 0, string? label = null)
        => new(hash, account, T0.AddMinutes(minute), T0.AddDays(30)) { Label = label, LastUsedAt = T0.AddMinutes(minute) };

    private static TokenRecord Named(byte[] hash, string account, string name, string scopes, DateTimeOffset? expires = null, int minute = 0)
        => new(hash, account, T0.AddMinutes(minute), expires) { Name = name, Scopes = scopes };

    [Fact]
    public async Task Sessions_and_named_tokens_are_stored_listed_and_found_with_what_they_carry()
    {
        await CreateAccountsAsync("alice", "bob");
        Assert.True(await Store.TryAddTokenAsync(Session([1], "alice", 0, "piazza-tui/0.1 (tcp)")));
        Assert.True(await Store.TryAddTokenAsync(Named([2], "alice", "ci", "read,send", minute: 1)));
        Assert.True(await Store.TryAddTokenAsync(Named([3], "alice", "old", "read", T0.AddDays(7), minute: 2)));
        Assert.True(await Store.TryAddTokenAsync(Session([4], "bob")));

        await ReopenAsync();
        var found = await Store.FindTokenAsync([2], T0);
        Assert.NotNull(found);
        Assert.Equal(("alice", "ci", "read,send", T0.AddMinutes(1)), (found.AccountKey, found.Name, found.Scopes, found.CreatedAt));
        Assert.Null(found.ExpiresAt); // a named token without a lifetime never expires
        Assert.Null(found.LastUsedAt);
        Assert.Equal(T0.AddDays(7), (await Store.FindTokenAsync([3], T0))!.ExpiresAt);

        var listed = await Store.ListTokensAsync("alice", T0);
        Assert.Equal([(byte)1, (byte)2, (byte)3], listed.Select(t => t.Hash[0]));
        Assert.Equal("piazza-tui/0.1 (tcp)", listed[0].Label);
        Assert.Null(listed[0].Name);
        Assert.Equal(T0, listed[0].LastUsedAt);
        Assert.Single(await Store.ListTokensAsync("bob", T0));
        Assert.Equal("alice", await Store.FindTokenAccountAsync([2], T0)); // the older port sees the same rows
    }

    [Fact]
    public async Task A_named_token_name_is_unique_among_the_account_live_tokens()
    {
        await CreateAccountsAsync("alice", "bob");
        Assert.True(await Store.TryAddTokenAsync(Named([1], "alice", "ci", "read")));
        Assert.False(await Store.TryAddTokenAsync(Named([2], "alice", "ci", "send")));
        Assert.True(await Store.TryAddTokenAsync(Named([3], "bob", "ci", "send"))); // per account
        Assert.Null(await Store.FindTokenAsync([2], T0));

        await Store.RevokeTokenAsync([1]);
        Assert.True(await Store.TryAddTokenAsync(Named([4], "alice", "ci", "moderate"))); // revoked: the name is free
        Assert.Null(await Store.FindTokenAsync([1], T0));

        Assert.True(await Store.TryAddTokenAsync(Named([5], "alice", "short", "read", T0.AddMinutes(1))));
        Assert.True(await Store.TryAddTokenAsync(Named([6], "alice", "short", "read", minute: 2))); // expired at creation: free
        Assert.Equal(["ci", "short"], (await Store.ListTokensAsync("alice", T0.AddMinutes(3))).Select(t => t.Name));
    }

    [Fact]
    public async Task Touching_a_token_records_its_use_and_moves_a_session_expiry()
    {
        await CreateAccountsAsync("alice");
        await Store.TryAddTokenAsync(Session([1], "alice"));
        await Store.TryAddTokenAsync(Named([2], "alice", "bot", "send", T0.AddDays(2)));

        await Store.TouchTokenAsync([1], T0.AddDays(29), T0.AddDays(59));
        await Store.TouchTokenAsync([2], T0.AddDays(1), null);

        Assert.Null(await Store.FindTokenAsync([1], T0.AddDays(59)));
        var session = await Store.FindTokenAsync([1], T0.AddDays(40)); // past its first expiry: renewed
        Assert.Equal((T0.AddDays(29), T0.AddDays(59)), (session!.LastUsedAt, session.ExpiresAt));
        var named = await Store.FindTokenAsync([2], T0);
        Assert.Equal((T0.AddDays(1), T0.AddDays(2)), (named!.LastUsedAt, named.ExpiresAt)); // null kept the expiry

        await Store.RevokeTokenAsync([1]);
        await Store.TouchTokenAsync([1], T0.AddDays(30), T0.AddDays(90)); // a revoked token stays revoked
        Assert.Null(await Store.FindTokenAsync([1], T0.AddDays(31)));
        Assert.Equal([(byte)2], (await Store.ListTokensAsync("alice", T0)).Select(t => t.Hash[0]));
    }

    [Fact]
    public async Task Bot_accounts_and_their_messages_keep_the_mark()
    {
        Assert.True(await Store.TryCreateAccountAsync(new AccountRecord("ci", "CI", "hash", T0) { Bot = true }));
        await CreateAccountsAsync("alice");
        Assert.True((await Store.FindAccountAsync("ci"))!.Bot);
        Assert.False((await Store.FindAccountAsync("alice"))!.Bot);

        await Store.AppendAsync([Message("dev", 1, "build green", "CI", "ci") with { Bot = true }, Message("dev", 2, "thanks", "alice", "alice")]);
        await ReopenAsync();
        var read = await Store.ReadAfterAsync("dev", 0, 10);
        Assert.Equal([true, false], read.Select(m => m.Bot));
        Assert.True((await Store.ReadBeforeAsync("dev", 2, 1))[0].Bot);
    }
}
