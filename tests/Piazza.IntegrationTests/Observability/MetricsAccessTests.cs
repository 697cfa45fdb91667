using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Observability;

/// <summary>
/// Who may read /metrics: loopback by default; <c>--metrics</c> networks; <c>--metrics-token</c> from anywhere.
/// Tests run on loopback, so "another network" is a server whose list leaves loopback out.
/// </summary>
public sealed class MetricsAccessTests
{
    [Fact]
    public async Task Loopback_is_answered_by_default()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var page = await ScriptedSession.ReadAsync(http);
        Assert.Contains("# TYPE dotnet_", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_outside_the_listed_networks_is_refused_403_saying_which_option_opens_it()
    {
        await using var server = await TestServer.StartAsync(("Metrics", "10.0.0.0/8,192.168.1.7"));
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var (status, code, message) = await AskAsync(http, null);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("forbidden", code);
        Assert.Contains("--metrics", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task None_refuses_even_loopback()
    {
        await using var server = await TestServer.StartAsync(("Metrics", "none"));
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        Assert.Equal(HttpStatusCode.Forbidden, (await AskAsync(http, null)).Status);
    }

    [Fact]
    public async Task A_listed_network_or_any_is_answered()
    {
        await using (var listed = await TestServer.StartAsync(("Metrics", "10.0.0.0/8,127.0.0.0/30")))
        {
            using var http = new HttpClient { BaseAddress = listed.HttpBase };
            Assert.Equal(HttpStatusCode.OK, (await AskAsync(http, null)).Status);
        }

        await using var any = await TestServer.StartAsync(("Metrics", "any"));
        using var anyHttp = new HttpClient { BaseAddress = any.HttpBase };
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(anyHttp, null)).Status);
    }

    [Fact]
    public async Task The_token_opens_metrics_where_the_network_does_not_and_a_wrong_or_missing_one_is_401()
    {
        await using var server = await TestServer.StartAsync(("Metrics", "none"), ("MetricsToken", "scrape-secret-1"));
        using var http = new HttpClient { BaseAddress = server.HttpBase };

        var missing = await AskAsync(http, null);
        Assert.Equal((HttpStatusCode.Unauthorized, "auth_failed"), (missing.Status, missing.Code));
        Assert.Contains("--metrics-token", missing.Message, StringComparison.Ordinal);

        var wrong = await AskAsync(http, "scrape-secret-2");
        Assert.Equal((HttpStatusCode.Unauthorized, "auth_failed"), (wrong.Status, wrong.Code));
        Assert.Contains("wrong", wrong.Message, StringComparison.Ordinal);

        var page = await ScriptedSession.ReadAsync(http, "scrape-secret-1");
        Assert.Contains("# TYPE dotnet_", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_even_from_an_allowed_network()
    {
        await using var server = await TestServer.StartAsync(("MetricsToken", "scrape-secret-1"));
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(http, null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await AskAsync(http, "not-it")).Status);
    }

    [Fact]
    public void A_bad_metrics_entry_is_refused_at_start_naming_the_rule()
    {
        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => Piazza.Server.PiazzaHost.Build(new Dictionary<string, string?> { ["Piazza:Metrics"] = "10.0.0.0/99" }));
        Assert.Contains("CIDR", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string? Code, string Message)> AskAsync(HttpClient http, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return (response.StatusCode, null, body);
        }

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonNode.Parse(body)!.AsObject();
        return (response.StatusCode, error["code"]?.GetValue<string>(), error["message"]?.GetValue<string>() ?? "");
    }
}
