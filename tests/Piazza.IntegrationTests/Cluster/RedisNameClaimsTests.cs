using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Piazza.Cluster.Redis;
using Piazza.Core.Ports;
using Piazza.Tests.Shared;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>The claims contract on two nodes sharing a real redis-server, plus what only a shared Redis can do wrong.</summary>
public sealed class RedisNameClaimsTests : NameClaimsContractTests
{
    private static readonly RedisClusterOptions Fast = new()
    {
        NodeTtl = TimeSpan.FromSeconds(1),
        NodeRefreshInterval = TimeSpan.FromMilliseconds(200),
        OperationTimeout = TimeSpan.FromSeconds(1),
    };

    private readonly List<RedisCluster> _nodes = [];
    private RedisProcess _redis = null!;

    public override async Task InitializeAsync()
    {
        _redis = await RedisProcess.StartAsync();
        NodeA = (await StartNodeAsync("a")).Claims;
        NodeB = (await StartNodeAsync("b")).Claims;
    }

    public override async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    protected override Task SettledAsync(INameClaims node) => ((RedisNameClaims)node).FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

    private async Task<RedisCluster> StartNodeAsync(string id, TimeProvider? time = null)
    {
        var node = await RedisCluster.ConnectAsync(_redis.Configuration, id, options: Fast, time: time);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Polls a condition that changes by itself (a TTL running out, a reconnect), up to a deadline.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < (timeout ?? TimeSpan.FromSeconds(15)), $"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_dead_nodes_claims_are_free_once_its_liveness_expires_while_a_live_nodes_stay()
    {
        // Node c's clock never moves, so it never refreshes its liveness: it is dead to the others a TTL after its claim.
        var dead = await StartNodeAsync("c", new FakeTimeProvider());
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(dead.Claims, Guest("ivan", "dead"))).Status);
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, Guest("judy", "live"))).Status);
        Assert.Equal(NameClaimStatus.Taken, (await ClaimAsync(NodeB, Guest("ivan", "b"))).Status);
        var held = Stopwatch.StartNew();

        await EventuallyAsync(async () => (await ClaimAsync(NodeB, Guest("ivan", "b"))).Status == NameClaimStatus.Claimed, "the dead node's name is free");

        Assert.True(held.Elapsed >= TimeSpan.FromSeconds(0.5), $"freed after {held.Elapsed}, before the TTL");
        Assert.Equal("ivan#b", (await NodeA.FindAsync("ivan"))!.Identity);
        Assert.Equal(NameClaimStatus.Taken, (await ClaimAsync(NodeB, Guest("judy", "b"))).Status);
    }

    [Fact]
    public async Task After_redis_restarts_empty_each_node_reasserts_the_names_its_connections_hold()
    {
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, Guest("kate", "a"))).Status);
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, Account("Liam"))).Status);
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeB, Account("Liam"))).Status);
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeB, Guest("mia", "b"))).Status);
        NodeB.Release(Guest("mia", "b"));
        await SettledAsync(NodeB);

        await _redis.RestartAsync();

        await EventuallyAsync(async () => await NodeB.FindAsync("kate") is not null && await NodeA.FindAsync("liam") is not null, "the claims are back");
        Assert.Equal(NameClaimStatus.Taken, (await ClaimAsync(NodeB, Guest("kate", "b"))).Status);
        Assert.Equal(NameClaimStatus.LookAlike, (await ClaimAsync(NodeB, Guest("k\u0430te", "b"))).Status);
        Assert.Null(await NodeA.FindAsync("mia"));

        // Both nodes' counts came back: the account's name stays held until its last connection on either leaves.
        NodeA.Release(Account("Liam"));
        await SettledAsync(NodeA);
        Assert.Equal("liam", (await NodeA.FindAsync("liam"))!.Identity);
        NodeB.Release(Account("Liam"));
        await SettledAsync(NodeB);
        Assert.Null(await NodeA.FindAsync("liam"));
    }

    [Fact]
    public async Task While_redis_is_down_claims_answer_unavailable_promptly_and_work_again_when_it_returns()
    {
        Assert.Equal(NameClaimStatus.Claimed, (await ClaimAsync(NodeA, Guest("nina", "a"))).Status);
        await _redis.KillAsync();

        var timer = Stopwatch.StartNew();
        var refused = await ClaimAsync(NodeB, Guest("oscar", "b"));
        NodeA.Release(Guest("nina", "a"));
        var found = await NodeB.FindAsync("nina");
        timer.Stop();

        Assert.Equal(NameClaimStatus.Unavailable, refused.Status);
        Assert.Null(found);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(1.5), $"took {timer.Elapsed} while Redis was down");

        await _redis.RestartAsync();
        await EventuallyAsync(async () => (await ClaimAsync(NodeB, Guest("oscar", "b"))).Status == NameClaimStatus.Claimed, "claims work again");

        // The release made while Redis was away holds: nina is free (Redis came back empty and node a holds nothing).
        await SettledAsync(NodeA);
        Assert.Null(await NodeB.FindAsync("nina"));
    }

    [Fact]
    public async Task Connecting_to_a_redis_that_is_not_there_fails_at_once_with_one_line_naming_it()
    {
        await _redis.KillAsync();

        var timer = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RedisCluster.ConnectAsync(_redis.Configuration, "z"));

        Assert.Equal($"cannot reach Redis at 127.0.0.1:{_redis.Port}: Connection refused", error.Message);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(2), $"took {timer.Elapsed}");
    }
}
