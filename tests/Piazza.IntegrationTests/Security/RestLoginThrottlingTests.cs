using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// Issue 11's login throttling over the REST door (<c>POST /api/login</c>, <c>/api/register</c>): the same rules as
/// <see cref="LoginThrottlingTests"/>, refusals as 429 with <c>Retry-After</c>.
/// </summary>
public sealed class RestLoginThrottlingTests
{
    private static readonly IPAddress Owner = LoopbackSource.Address(100);
    private const string Password = "password-alice";

    private static async Task<(HttpStatusCode Status, JsonNode? Body, RetryConditionHeaderValue? RetryAfter)> PostFromAsync(TestServer server, IPAddress from, string path, object body)
    {
        using var http = LoopbackSource.HttpClient(from, server.HttpBase);
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers.RetryAfter);
    }

    private static void AssertThrottled((HttpStatusCode Status, JsonNode? Body, RetryConditionHeaderValue? RetryAfter) answer)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, answer.Status);
        Assert.Equal("rate_limited", answer.Body!["code"]!.GetValue<string>());
        Assert.True(answer.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {answer.RetryAfter}");
        Assert.True(answer.Body!["retryAfter"]!.GetValue<double>() >= 1);
    }

    private static async Task<string> RegisterAliceAsync(TestServer server)
    {
        var registered = await PostFromAsync(server, IPAddress.Loopback, "/api/register", new { user = "alice", password = Password });
        Assert.Equal(HttpStatusCode.Created, registered.Status);
        return registered.Body!["token"]!.GetValue<string>();
    }

    [Fact]
    public async Task Owner_logs_in_over_rest_from_a_clean_address_while_another_address_fails_repeatedly()
    {
        await using var server = await TestServer.StartAsync();
        await RegisterAliceAsync(server);

        var attacker = LoopbackSource.Address(2);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await PostFromAsync(server, attacker, "/api/login", new { user = "alice", password = $"guess number {i}" })).Status);
        }

        AssertThrottled(await PostFromAsync(server, attacker, "/api/login", new { user = "alice", password = Password }));
        Assert.Equal(HttpStatusCode.OK, (await PostFromAsync(server, Owner, "/api/login", new { user = "alice", password = Password })).Status);
    }

    [Fact]
    public async Task A_flood_of_valid_rest_logins_from_one_address_is_refused_and_a_login_from_another_address_completes()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { LoginsPerMinutePerAddress = null } });
        await RegisterAliceAsync(server);

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => PostFromAsync(server, LoopbackSource.Address(2), "/api/login", new { user = "alice", password = Password })));
        var refused = answers.Where(a => a.Status != HttpStatusCode.OK).ToList();
        Assert.All(refused, AssertThrottled);
        Assert.InRange(refused.Count, 15, 30);

        Assert.Equal(HttpStatusCode.OK, (await PostFromAsync(server, Owner, "/api/login", new { user = "alice", password = Password })).Status);
    }

    [Fact]
    public async Task A_flood_of_rest_registrations_from_one_address_is_refused()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { RegistrationsPerHourPerAddress = null } });
        var answers = new List<(HttpStatusCode Status, JsonNode? Body, RetryConditionHeaderValue? RetryAfter)>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await PostFromAsync(server, LoopbackSource.Address(2), "/api/register", new { user = $"bulk{i}", password = Password }));
        }

        Assert.Equal(5, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.All(answers.Skip(5), AssertThrottled);
        Assert.Equal(HttpStatusCode.Created, (await PostFromAsync(server, Owner, "/api/register", new { user = "carol", password = Password })).Status);
    }

    [Fact]
    public async Task A_rest_token_request_succeeds_while_the_hashing_queue_is_full_and_password_logins_get_429()
    {
        await using var server = await TestServer.StartAsync();
        var token = await RegisterAliceAsync(server);

        using var full = HashingQueueFiller.Fill(server);
        using var http = LoopbackSource.HttpClient(Owner, server.HttpBase);
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(me)).StatusCode);

        AssertThrottled(await PostFromAsync(server, Owner, "/api/login", new { user = "alice", password = Password }));
        AssertThrottled(await PostFromAsync(server, Owner, "/api/register", new { user = "bob", password = Password }));
        await full.ReleaseAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostFromAsync(server, Owner, "/api/login", new { user = "alice", password = Password })).Status);
    }
}
