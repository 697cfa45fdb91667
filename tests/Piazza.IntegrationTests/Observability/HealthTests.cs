using System.Net;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tests.Shared;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Observability;

/// <summary>/healthz (alive, and degraded or not) and /readyz (store, message log, cluster bus) as JSON with the codes monitors read.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_says_ok_with_the_node_and_readyz_names_each_passing_check()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };

        var (status, health) = await GetAsync(http, "/healthz");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", health["status"]!.GetValue<string>());
        Assert.Equal(server.Hub.NodeId, health["node"]!.GetValue<string>());
        Assert.Empty(health["problems"]!.AsArray());

        var (readyStatus, ready) = await GetAsync(http, "/readyz");
        Assert.Equal(HttpStatusCode.OK, readyStatus);
        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        Assert.Equal(["store", "message_log", "cluster_bus"], ready["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.All(ready["checks"]!.AsArray(), c => Assert.True(c!["ok"]!.GetValue<bool>()));
        Assert.Empty(ready["failing"]!.AsArray());
    }

    [Fact]
    public async Task Readyz_is_503_naming_the_store_while_PostgreSQL_is_down_and_200_again_when_it_is_back()
    {
        await using var postgres = await PostgresProcess.StartNewAsync();
        var database = await postgres.CreateDatabaseAsync("readyz");
        await using var server = await TestServer.StartAsync(("Postgres", database));
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, "/readyz")).Status);

        // The cluster's writer reports its commits under its own tag (the meter is process-wide: at least this one).
        using (var storeSequencerCommits = new MeasurementCount("piazza.store.commit.batch_size", "writer", "store_sequencer"))
        {
            await using var alice = (await RawClient.JoinAsync(server.Port, "alice")).Client;
            await SendOkAsync(alice, "lobby", "stored in PostgreSQL", "m1");
            Assert.True(storeSequencerCommits.Count >= 1, "a commit of the store sequencer was measured");
        }

        await postgres.StopAsync();
        var (status, ready) = await GetAsync(http, "/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("not_ready", ready["status"]!.GetValue<string>());
        Assert.Equal(["store"], ready["failing"]!.AsArray().Select(f => f!.GetValue<string>()));
        var store = ready["checks"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "store")!;
        Assert.False(store["ok"]!.GetValue<bool>());
        Assert.StartsWith("the store did not answer", store["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // Alive all along: a process that serves is not restarted for its store's outage.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, "/healthz")).Status);

        await postgres.StartAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await GetAsync(http, "/readyz")).Status != HttpStatusCode.OK)
        {
            await Task.Delay(100, deadline.Token); // the pool reconnects on its own; poll the probe as a monitor would
        }
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}
