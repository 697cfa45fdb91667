using Piazza.Core;
using Piazza.Core.Ports;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>
/// The behaviour every <see cref="INameClaims"/> must have, seen from two nodes (<see cref="NodeA"/>, <see cref="NodeB"/>):
/// in one process both are the same instance; in a cluster they are two nodes sharing Redis.
/// </summary>
public abstract class NameClaimsContractTests : IAsyncLifetime
{
    protected INameClaims NodeA { get; set; } = null!;

    protected INameClaims NodeB { get; set; } = null!;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    /// <summary>Returns once releases queued on <paramref name="node"/> are written (at once in process).</summary>
    protected abstract Task SettledAsync(INameClaims node);

    protected static NameClaim Guest(string name, string suffix = "1") => new(Fold(name), name, $"{Fold(name)}#{suffix}", Registered: false);

    protected static NameClaim Account(string name) => new(Fold(name), name, Fold(name), Registered: true);

    protected static Task<NameClaimResult> ClaimAsync(INameClaims node, NameClaim claim, bool refuseLookAlikes = true)
        => node.TryClaimAsync(claim, NameSkeleton.Of(claim.Name), refuseLookAlikes).AsTask();

    private static string Fold(string name) => UserNamePolicy.Fold(name);

    [Fact]
    public async Task A_name_held_on_one_node_is_taken_for_another_identity_on_the_other()
    {
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, Guest("Alice", "1"))).Status);

        var refused = await ClaimAsync(NodeB, Guest("alice", "2"));

        Assert.Equal(NameClaimStatus.Taken, refused.Status);
        Assert.Equal("alice#1", refused.Holder!.Identity);
        Assert.Equal("Alice", refused.Holder.Name);
        Assert.Equal(NameClaimStatus.Taken, (await ClaimAsync(NodeB, Account("alice"))).Status);
    }

    [Fact]
    public async Task A_look_alike_of_a_held_name_is_refused_for_new_names_only()
    {
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, Guest("paypal"))).Status);

        var refused = await ClaimAsync(NodeB, Guest("paypa1"));
        Assert.Equal(NameClaimStatus.LookAlike, refused.Status);
        Assert.Equal("paypal", refused.Holder!.Name);

        // An existing account logging in is not a new name: look-alikes are not checked for it.
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeB, Account("paypa1"), refuseLookAlikes: false)).Status);
        Assert.Equal("paypa1", (await NodeA.FindLookAlikeAsync(NameSkeleton.Of("paypal"), "paypal", null))!.Name);
        Assert.Null(await NodeA.FindLookAlikeAsync(NameSkeleton.Of("paypal"), "paypal", "paypa1"));
    }

    [Fact]
    public async Task An_accounts_connections_on_both_nodes_share_the_name_until_the_last_one_leaves()
    {
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, Account("Carol"))).Status);
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeB, Account("Carol"))).Status);
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeB, Account("Carol"))).Status);

        NodeA.Release(Account("Carol"));
        NodeB.Release(Account("Carol"));
        await SettledAsync(NodeA);
        await SettledAsync(NodeB);
        Assert.Equal("carol", (await NodeA.FindAsync("carol"))!.Identity);
        Assert.Equal(NameClaimStatus.Taken, (await ClaimAsync(NodeA, Guest("carol"))).Status);

        NodeB.Release(Account("Carol"));
        await SettledAsync(NodeB);
        Assert.Null(await NodeA.FindAsync("carol"));
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, Guest("carol"))).Status);
    }

    [Fact]
    public async Task A_guest_is_exclusive_even_to_its_own_identity()
    {
        var guest = Guest("dave");
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, guest)).Status);
        Assert.Equal(NameClaimStatus.Taken, (await ClaimAsync(NodeB, guest)).Status);
        Assert.Equal(NameClaimStatus.Taken, (await ClaimAsync(NodeA, guest)).Status);
    }

    [Fact]
    public async Task A_guest_that_registers_hands_its_claim_to_the_account_which_other_devices_then_share()
    {
        var guest = Guest("Erin");
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, guest)).Status);

        await NodeA.ReassignAsync("erin", guest.Identity, "erin");

        var held = await NodeB.FindAsync("erin");
        Assert.Equal(new NameClaim("erin", "Erin", "erin", Registered: true), held);
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeB, Account("Erin"))).Status);

        NodeA.Release(Account("Erin"));
        NodeB.Release(Account("Erin"));
        await SettledAsync(NodeA);
        await SettledAsync(NodeB);
        Assert.Null(await NodeB.FindAsync("erin"));
    }

    [Fact]
    public async Task Releasing_frees_the_name_and_its_skeleton_for_anyone()
    {
        var first = Guest("frank", "1");
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, first)).Status);

        NodeA.Release(first);
        await SettledAsync(NodeA);

        Assert.Null(await NodeB.FindAsync("frank"));
        Assert.Null(await NodeB.FindLookAlikeAsync(NameSkeleton.Of("frank"), "frañk", null));
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeB, Guest("frank", "2"))).Status);
    }

    [Fact]
    public async Task A_release_by_another_identity_or_a_second_release_changes_nothing()
    {
        var holder = Guest("gina", "1");
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, holder)).Status);

        NodeB.Release(Guest("gina", "2"));
        NodeA.Release(Guest("gina", "2"));
        await SettledAsync(NodeA);
        await SettledAsync(NodeB);
        Assert.Equal("gina#1", (await NodeB.FindAsync("gina"))!.Identity);

        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeB, Account("hank"))).Status);
        NodeB.Release(Account("hank"));
        NodeB.Release(Account("hank"));
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, Account("hank"))).Status);
        await SettledAsync(NodeB);
        Assert.Equal("hank", (await NodeB.FindAsync("hank"))!.Identity);
    }

    [Fact]
    public async Task Guests_racing_for_one_name_or_look_alikes_on_two_nodes_let_exactly_one_in()
    {
        for (var i = 0; i < 20; i++)
        {
            var name = $"racer{i}";
            var results = await Task.WhenAll(
                ClaimAsync(NodeA, Guest(name, "a")),
                ClaimAsync(NodeB, Guest(name, "b")),
                ClaimAsync(NodeA, Guest(name.Replace('a', '\u0430'), "c")),
                ClaimAsync(NodeB, Guest(name.Replace('e', '\u0435'), "d")));
            Assert.Single(results, r => r.Status == NameClaimStatus.Claimed);
        }
    }
}
