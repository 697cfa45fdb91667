using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>The admin port (<see cref="IAdminStore"/>): disabled accounts and the audit log read in pages.</summary>
public abstract partial class ChatStoreContractTests
{
    [Fact]
    public async Task An_account_is_disabled_and_enabled_found_so_after_a_restart_and_a_missing_one_is_said_to_be_missing()
    {
        await CreateAccountsAsync("alice", "bob");
        Assert.False((await Store.FindAccountAsync("alice"))!.Disabled);

        Assert.True(await Store.SetAccountDisabledAsync("alice", disabled: true));
        Assert.True(await Store.SetAccountDisabledAsync("alice", disabled: true)); // twice is not an error
        await ReopenAsync();
        Assert.True((await Store.FindAccountAsync("alice"))!.Disabled);
        Assert.False((await Store.FindAccountAsync("bob"))!.Disabled);

        Assert.True(await Store.SetAccountDisabledAsync("alice", disabled: false));
        Assert.False((await Store.FindAccountAsync("alice"))!.Disabled);
        Assert.False(await Store.SetAccountDisabledAsync("nobody", disabled: true));
        Assert.Null(await Store.FindAccountAsync("nobody"));
    }

    [Fact]
    public async Task The_audit_log_reads_in_pages_newest_first_before_an_id_and_new_entries_do_not_shift_a_page()
    {
        Assert.Empty(await Store.ReadAuditPageAsync(null, 10));
        for (var i = 1; i <= 7; i++)
        {
            await Store.AppendAuditAsync(new AuditRecord(0, T0.AddSeconds(i), "root", "kick", $"user{i}", i % 2 == 0 ? "dev" : null, "why", $"n{i}"));
        }

        var first = await Store.ReadAuditPageAsync(null, 3);
        Assert.Equal(["user7", "user6", "user5"], first.Select(e => e.Target));
        Assert.Equal((T0.AddSeconds(6), "dev", "why", "n6"), (first[1].At, first[1].Room, first[1].Reason, first[1].Detail));
        Assert.True(first[0].Id > first[1].Id && first[1].Id > first[2].Id);

        // A newer entry arrives between pages: the next page, read before the last id, neither repeats nor skips one.
        await Store.AppendAuditAsync(new AuditRecord(0, T0.AddSeconds(8), "root", "ban", "user8", null, null, null));
        var second = await Store.ReadAuditPageAsync(first[^1].Id, 3);
        Assert.Equal(["user4", "user3", "user2"], second.Select(e => e.Target));
        var last = await Store.ReadAuditPageAsync(second[^1].Id, 3);
        Assert.Equal(["user1"], last.Select(e => e.Target));
        Assert.Empty(await Store.ReadAuditPageAsync(last[0].Id, 3));
        Assert.Equal("user8", (await Store.ReadAuditPageAsync(null, 1)).Single().Target);
    }
}
