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
}
