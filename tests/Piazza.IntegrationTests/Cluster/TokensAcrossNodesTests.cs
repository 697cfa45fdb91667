using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>Tokens and sessions revoked on one node end the connections that use them on the others; bots are marked everywhere.</summary>
public sealed class TokensAcrossNodesTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync()
        => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Revoking_a_named_token_on_node_1_ends_its_connection_on_node_2()
    {
        var (_, owner) = await _cluster.RegisterAsync(1, "alice", Password);
        var created = await _cluster[1].CreateTokenAsync(owner, "ci", ["read", "send"], null);
        Assert.True(created.Succeeded, created.Error?.Message);
        var botSees = new HubTestConnection();
        var bot = await _cluster[2].HelloAsync(botSees, new HelloRequest(null, null, created.Value!.Secret, null, "127.0.0.1"));
        Assert.True(bot.Succeeded, bot.Error?.Message);
        Assert.Equal(Piazza.Core.Tokens.TokenScope.Read | Piazza.Core.Tokens.TokenScope.Send, bot.Value!.Scopes);

        Assert.True((await _cluster[1].RevokeNamedTokenAsync(owner, "ci")).Succeeded);

        await botSees.WaitForAsync<SessionRevokedEvent>();
        await botSees.WaitForCloseAsync();
        Assert.True(bot.Value.HasEnded);
        Assert.False(owner.HasEnded);
        var again = await _cluster[2].HelloAsync(new HubTestConnection(), new HelloRequest(null, null, created.Value.Secret, null, "127.0.0.1"));
        Assert.Equal(ErrorCode.AuthFailed, again.Error?.Code);
    }

    [Fact]
    public async Task Logging_out_other_devices_on_node_1_ends_them_on_node_2_and_keeps_the_asking_one()
    {
        var (firstSees, first) = await _cluster.RegisterAsync(1, "bob", Password);
        var otherSees = new HubTestConnection();
        var other = await _cluster[2].HelloAsync(otherSees, new HelloRequest("bob", Password, null, null, "127.0.0.1"));
        Assert.True(other.Succeeded, other.Error?.Message);

        var revoked = await _cluster[1].RevokeSessionsAsync(first, null, others: true);
        Assert.Equal(1, revoked.Value);

        await otherSees.WaitForAsync<SessionRevokedEvent>();
        await otherSees.WaitForCloseAsync();
        await _cluster.Network.DeliveredAsync();
        Assert.False(first.HasEnded);
        Assert.Equal(0, firstSees.Closes);
        var sessions = await _cluster[2].SessionsAsync(first);
        Assert.True(Assert.Single(sessions.Value!).Current);
    }

    [Fact]
    public async Task A_bot_present_on_node_2_is_marked_in_who_on_node_1()
    {
        var botSees = new HubTestConnection();
        var bot = await _cluster[2].RegisterAsync(botSees, "ci", Password, bot: true);
        Assert.True(bot.Succeeded, bot.Error?.Message);
        Assert.True(bot.Value!.User.IsBot);
        await _cluster.Network.DeliveredAsync();

        var who = await _cluster[1].WhoAsync("lobby");
        Assert.True(Assert.Single(who.Value!.Users, u => u.User == "ci").Bot);
    }
}
