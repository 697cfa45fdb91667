using System.Net;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// Issue 11, "Anyone can lock an account" and "Password hashing as a denial of service", over the doors that carry
/// frames (one body, a fixture per door; the REST door is in <see cref="RestLoginThrottlingTests"/>). The owner and the
/// attacker are at different loopback addresses (127.0.0.x), as they would be on a network.
/// </summary>
public abstract class LoginThrottlingTests
{
    protected static readonly IPAddress Owner = LoopbackSource.Address(100);

    /// <summary>Opens a connection through the door under test from <paramref name="from"/>.</summary>
    protected abstract Task<RawClient> ConnectFromAsync(TestServer server, IPAddress from);

    /// <summary>The test limits with the per-address login and registration buckets at the product's defaults.</summary>
    protected static TestServerOptions ProductionLoginLimits { get; } = new() { Limits = TestLimits.Off with { LoginsPerMinutePerAddress = null, RegistrationsPerHourPerAddress = null } };

    private async Task<JsonObject> HelloFromAsync(TestServer server, IPAddress from, object frame)
    {
        await using var client = await ConnectFromAsync(server, from);
        return await FirstAnswerAsync(client, frame);
    }

    [Fact]
    public async Task Owner_logs_in_from_a_clean_address_while_another_address_fails_repeatedly()
    {
        await using var server = await TestServer.StartAsync();
        await (await server.RegisterAsync("alice")).DisposeAsync();

        await using var attacker = await ConnectFromAsync(server, LoopbackSource.Address(2));
        for (var i = 0; i < 5; i++)
        {
            AssertError(await FirstAnswerAsync(attacker, new { type = "hello", user = "alice", password = $"guess number {i}" }), "auth_failed");
        }

        // The failing address now waits, even with the right password...
        var limited = await FirstAnswerAsync(attacker, new { type = "hello", user = "alice", password = Password });
        AssertError(limited, "rate_limited");
        Assert.True(limited["retryAfter"]!.GetValue<double>() >= 1, limited.ToJsonString());

        // ...but the owner's right password from another address is not refused (it was rate_limited for up to 5 minutes).
        var welcome = await HelloFromAsync(server, Owner, new { type = "hello", user = "alice", password = Password });
        Assert.Equal("welcome", welcome.Type());
    }

    [Fact]
    public async Task Owner_logs_in_from_a_clean_address_while_many_addresses_attack_and_each_failing_address_is_slowed()
    {
        await using var server = await TestServer.StartAsync();
        await (await server.RegisterAsync("alice")).DisposeAsync();

        // Four addresses, five failures each: the account's whole burst (20).
        for (byte address = 2; address <= 5; address++)
        {
            await using var attacker = await ConnectFromAsync(server, LoopbackSource.Address(address));
            for (var i = 0; i < 5; i++)
            {
                AssertError(await FirstAnswerAsync(attacker, new { type = "hello", user = "alice", password = $"guess {address}.{i}" }), "auth_failed");
            }
        }

        // One more failure puts the account under attack: from then on an address that fails waits from its first failure...
        await using var late = await ConnectFromAsync(server, LoopbackSource.Address(6));
        AssertError(await FirstAnswerAsync(late, new { type = "hello", user = "alice", password = "one more guess" }), "auth_failed");
        AssertError(await FirstAnswerAsync(late, new { type = "hello", user = "alice", password = "and another" }), "rate_limited");

        // ...and a clean address with the right password still gets in.
        Assert.Equal("welcome", (await HelloFromAsync(server, Owner, new { type = "hello", user = "alice", password = Password })).Type());
    }

    [Fact]
    public async Task One_address_cannot_brute_force_one_account_or_spray_guesses_across_accounts()
    {
        await using var server = await TestServer.StartAsync();
        await (await server.RegisterAsync("alice")).DisposeAsync();

        // One account: five failures, then every try waits (the right password is not even checked).
        await using var guesser = await ConnectFromAsync(server, LoopbackSource.Address(2));
        for (var i = 0; i < 5; i++)
        {
            AssertError(await FirstAnswerAsync(guesser, new { type = "hello", user = "alice", password = $"guess number {i}" }), "auth_failed");
        }

        for (var i = 0; i < 3; i++)
        {
            AssertError(await FirstAnswerAsync(guesser, new { type = "hello", user = "alice", password = i == 2 ? Password : $"more guessing {i}" }), "rate_limited");
        }

        // Many accounts: the address's failure bucket (20) runs dry, then it may try no password at all.
        await using var sprayer = await ConnectFromAsync(server, LoopbackSource.Address(3));
        for (var i = 0; i < 20; i++)
        {
            AssertError(await FirstAnswerAsync(sprayer, new { type = "hello", user = $"victim{i}", password = "password123" }), "auth_failed");
        }

        var dry = await FirstAnswerAsync(sprayer, new { type = "hello", user = "alice", password = Password });
        AssertError(dry, "rate_limited");
        Assert.True(dry["retryAfter"]!.GetValue<double>() >= 1, dry.ToJsonString());
        Assert.Equal("welcome", (await HelloFromAsync(server, Owner, new { type = "hello", user = "alice", password = Password })).Type());
    }

    [Fact]
    public async Task A_flood_of_valid_logins_from_one_address_is_refused_and_a_login_from_another_address_completes()
    {
        await using var server = await TestServer.StartAsync(ProductionLoginLimits);
        await (await server.RegisterAsync("alice")).DisposeAsync();

        // 40 valid logins at once from one address: the burst (10) gets in, the rest are refused before any hashing.
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => HelloFromAsync(server, LoopbackSource.Address(2), new { type = "hello", user = "alice", password = Password })));
        var refused = answers.Where(a => a.Type() == "error").ToList();
        Assert.All(refused, r => AssertError(r, "rate_limited"));
        Assert.All(refused, r => Assert.True(r["retryAfter"]!.GetValue<double>() >= 1, r.ToJsonString()));
        Assert.InRange(refused.Count, 20, 30);
        Assert.InRange(server.Hub.PasswordHashing.Waiting, 0, server.Hub.PasswordHashing.MaxQueued);

        Assert.Equal("welcome", (await HelloFromAsync(server, Owner, new { type = "hello", user = "alice", password = Password })).Type());
    }

    [Fact]
    public async Task A_flood_of_registrations_from_one_address_is_refused_and_another_address_registers()
    {
        await using var server = await TestServer.StartAsync(ProductionLoginLimits);
        var answers = new List<JsonObject>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await HelloFromAsync(server, LoopbackSource.Address(2), new { type = "register", user = $"bulk{i}", password = Password }));
        }

        Assert.Equal(5, answers.Count(a => a.Type() == "welcome"));
        Assert.All(answers.Skip(5), a => AssertError(a, "rate_limited"));
        Assert.Equal("welcome", (await HelloFromAsync(server, Owner, new { type = "register", user = "carol", password = Password })).Type());
    }

    [Fact]
    public async Task A_token_login_succeeds_while_the_hashing_queue_is_full_and_password_logins_are_refused()
    {
        await using var server = await TestServer.StartAsync();
        var registered = await server.RegisterAsync("alice");
        var token = registered.Welcome.Str("token")!;
        await registered.DisposeAsync();

        using var full = HashingQueueFiller.Fill(server);

        var tokenLogin = await HelloFromAsync(server, Owner, new { type = "hello", token });
        Assert.Equal("welcome", tokenLogin.Type());

        var passwordLogin = await HelloFromAsync(server, Owner, new { type = "hello", user = "alice", password = Password });
        AssertError(passwordLogin, "rate_limited");
        Assert.True(passwordLogin["retryAfter"]!.GetValue<double>() >= 1, passwordLogin.ToJsonString());
        AssertError(await HelloFromAsync(server, Owner, new { type = "register", user = "bob", password = Password }), "rate_limited");

        // Refused, not queued: the queue held its bound.
        Assert.Equal(server.Hub.PasswordHashing.MaxQueued, server.Hub.PasswordHashing.Waiting);
        await full.ReleaseAsync();
        Assert.Equal("welcome", (await HelloFromAsync(server, Owner, new { type = "hello", user = "alice", password = Password })).Type());
    }
}

public sealed class NativeTcpLoginThrottlingTests : LoginThrottlingTests
{
    protected override Task<RawClient> ConnectFromAsync(TestServer server, IPAddress from) => RawClient.ConnectFromAsync(from, server.Port);
}

public sealed class WebSocketLoginThrottlingTests : LoginThrottlingTests
{
    protected override Task<RawClient> ConnectFromAsync(TestServer server, IPAddress from) => RawClient.ConnectWebSocketFromAsync(from, server.HttpBase);
}
