using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Search;

/// <summary>
/// Full-text search (docs/protocol.md, "Search"): one suite run on every door that carries the frames
/// (<see cref="SearchTcpTests"/>, <see cref="SearchWebSocketTests"/>), plus the REST endpoint.
/// </summary>
public abstract class SearchTests
{
    private const char Open = '\u0002';
    private const char Close = '\u0003';

    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    [Fact]
    public async Task Results_are_newest_first_with_marked_snippets_and_page_with_next()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await JoinRoomAsync(alice, "dev");
        await JoinRoomAsync(bob, "dev");
        var sent = new List<long>();
        foreach (var (client, text) in new[] { (alice, "Deploy on Friday"), (bob, "no match here"), (bob, "the deploy is done"), (alice, "deploy again") })
        {
            sent.Add((await SendOkAsync(client, "dev", text, Guid.NewGuid().ToString("N"))).Seq());
        }

        var first = await SearchAsync(bob, new { type = "search", q = "deploy", limit = 2, id = "s1" }, "s1");
        Assert.Equal([sent[3], sent[2]], Results(first).Select(r => r.Seq()));
        Assert.Equal($"{Open}deploy{Close} again", Results(first)[0].Str("snippet"));
        Assert.Equal("dev", Results(first)[0].Str("room"));
        Assert.Equal("alice", Results(first)[0].Str("from"));
        Assert.Equal("deploy again", Results(first)[0].Str("text"));
        var next = first.Str("next")!;

        var second = await SearchAsync(bob, new { type = "search", q = "deploy", limit = 2, before = long.Parse(next, System.Globalization.CultureInfo.InvariantCulture), id = "s2" }, "s2");
        Assert.Equal([sent[0]], Results(second).Select(r => r.Seq()));
        Assert.Equal($"{Open}Deploy{Close} on Friday", Results(second)[0].Str("snippet"));
        Assert.Null(second["next"]);

        // The string cursor works as well.
        var same = await SearchAsync(bob, new { type = "search", q = "deploy", limit = 2, cursor = next, id = "s3" }, "s3");
        Assert.Equal([sent[0]], Results(same).Select(r => r.Seq()));
    }

    [Fact]
    public async Task Prefixes_phrases_filters_exclusions_and_diacritics_match()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await SendOkAsync(alice, "lobby", "Meet me at the Café at noon", "m1");
        await SendOkAsync(bob, "lobby", "deployment went fine", "m2");
        await SendOkAsync(alice, "lobby", "we deploy on friday", "m3");

        Assert.Equal(["Meet me at the Café at noon"], Texts(await SearchAsync(alice, new { type = "search", q = "cafe", id = "a" }, "a")));
        Assert.Equal($"Meet me at the {Open}Café{Close} at noon", Results(await SearchAsync(alice, new { type = "search", q = "CAFE", id = "a" }, "a"))[0].Str("snippet"));
        Assert.Equal(["we deploy on friday", "deployment went fine"], Texts(await SearchAsync(alice, new { type = "search", q = "depl*", id = "b" }, "b")));
        Assert.Equal(["we deploy on friday"], Texts(await SearchAsync(alice, new { type = "search", q = "\"deploy on friday\"", id = "c" }, "c")));
        Assert.Empty(Texts(await SearchAsync(alice, new { type = "search", q = "\"friday on deploy\"", id = "c" }, "c")));
        Assert.Equal(["deployment went fine"], Texts(await SearchAsync(alice, new { type = "search", q = "from:bob depl*", id = "d" }, "d")));
        Assert.Equal(["deployment went fine"], Texts(await SearchAsync(alice, new { type = "search", q = "depl* -friday", id = "e" }, "e")));
        Assert.Equal(["Meet me at the Café at noon"], Texts(await SearchAsync(alice, new { type = "search", q = "in:lobby noon", id = "f" }, "f")));
        Assert.Equal(["Meet me at the Café at noon"], Texts(await SearchAsync(alice, new { type = "search", q = "noon", room = "Lobby", id = "g" }, "g")));
    }

    [Fact]
    public async Task A_deleted_message_never_matches()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await JoinRoomAsync(alice, "notes");
        var gone = await SendOkAsync(alice, "notes", "password hunter2 oops", "m1");
        await SendOkAsync(alice, "notes", "the password policy", "m2");
        AssertOk(await RequestAsync(alice, new { type = "delete", room = "notes", msg = gone.Str("msg"), id = "d" }, "d"));

        Assert.Equal(["the password policy"], Texts(await SearchAsync(alice, new { type = "search", q = "password", id = "s" }, "s")));
        Assert.Empty(Texts(await SearchAsync(alice, new { type = "search", q = "hunter2", id = "s" }, "s")));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("deploy \"friday")]
    [InlineData("*")]
    [InlineData("NEAR(deploy friday)")]
    [InlineData("NEAR(")]
    [InlineData(")")]
    [InlineData("de*ploy")]
    [InlineData("-deploy")]
    [InlineData("from:bob")]
    [InlineData("   ")]
    [InlineData("!!! ???")]
    public async Task A_malformed_query_is_a_bad_request_and_the_connection_goes_on(string q)
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await SendOkAsync(alice, "lobby", "deploy friday", "m1");
        var answer = await RequestAsync(alice, new { type = "search", q, id = "s" }, "s");
        AssertError(answer, "bad_request");
        Assert.DoesNotContain("fts5", answer.Str("message"), StringComparison.OrdinalIgnoreCase);
        Assert.Single(Texts(await SearchAsync(alice, new { type = "search", q = "deploy", id = "ok" }, "ok")));
    }

    [Fact]
    public async Task A_10000_character_query_and_bad_limits_and_cursors_are_refused_fast()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var huge = await RequestAsync(alice, new { type = "search", q = string.Concat(Enumerable.Repeat("deploy* \"NEAR( ", 625)), id = "s" }, "s");
        AssertError(huge, "bad_request");
        Assert.Contains("500", huge.Str("message"), StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
        AssertError(await RequestAsync(alice, new { type = "search", q = "x", limit = 51, id = "l" }, "l"), "bad_request");
        AssertError(await RequestAsync(alice, new { type = "search", q = "x", limit = 0, id = "l" }, "l"), "bad_request");
        AssertError(await RequestAsync(alice, new { type = "search", q = "x", cursor = "abc", id = "c" }, "c"), "bad_request");
        AssertError(await RequestAsync(alice, new { type = "search", q = "x", before = -1, id = "c" }, "c"), "bad_request");
    }

    [Fact]
    public async Task A_non_member_never_gets_a_hit_from_a_private_room_or_another_pairs_conversation()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await using var carol = await RegisterAsync(server, "carol");
        AssertOk(await RequestAsync(alice, new { type = "join", room = "ops", @private = true, id = "p" }, "p"));
        await SendOkAsync(alice, "ops", "launch codes are 1234", "m1");
        AssertOk(await RequestAsync(alice, new { type = "send", to = "carol", text = "launch party tonight", id = "m2" }, "m2"));
        await SendOkAsync(alice, "lobby", "launch day is monday", "m3");

        Assert.Equal(["launch day is monday"], Texts(await SearchAsync(bob, new { type = "search", q = "launch", id = "s" }, "s")));
        var missing = await RequestAsync(bob, new { type = "search", q = "launch", room = "nosuch", id = "m" }, "m");
        AssertError(missing, "no_such_room");
        foreach (var hidden in new[] { "ops", "@alice,carol" })
        {
            var answer = await RequestAsync(bob, new { type = "search", q = "launch", room = hidden, id = "h" }, "h");
            AssertError(answer, "no_such_room");
            Assert.Equal(missing.Str("message")!.Replace("nosuch", hidden, StringComparison.Ordinal), answer.Str("message"));
            var filtered = await RequestAsync(bob, new { type = "search", q = $"launch in:{hidden}", id = "i" }, "i");
            Assert.True(filtered.Type() == "error" ? filtered.Str("code") == "no_such_room" : Results(filtered).Count == 0, filtered.ToJsonString());
        }

        Assert.Empty(Texts(await SearchAsync(bob, new { type = "search", q = "launch in:@alice", id = "b" }, "b")));
        Assert.Equal(["launch day is monday", "launch party tonight"], Texts(await SearchAsync(carol, new { type = "search", q = "launch", id = "c" }, "c")));
        Assert.Equal(["launch party tonight"], Texts(await SearchAsync(carol, new { type = "search", q = "launch in:@alice", id = "c2" }, "c2")));
        Assert.Equal(["launch day is monday", "launch party tonight", "launch codes are 1234"], Texts(await SearchAsync(alice, new { type = "search", q = "launch", id = "a" }, "a")));
    }

    [Fact]
    public async Task Rest_search_answers_the_same_shape_and_refusals()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await SendOkAsync(alice, "lobby", "rest is best", "m1");
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", alice.Welcome!.Str("token"));

        var ok = await http.GetAsync(new Uri("/api/search?q=best&limit=5", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!.AsObject();
        var result = Assert.Single(body["results"]!.AsArray())!.AsObject();
        Assert.Equal($"rest is {Open}best{Close}", result.Str("snippet"));
        Assert.Equal("lobby", result.Str("room"));

        var bad = await http.GetAsync(new Uri("/api/search?q=NEAR(", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("bad_request", JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["code"]!.GetValue<string>());
        var hidden = await http.GetAsync(new Uri("/api/search?q=best&room=nosuch", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        using var anonymous = new HttpClient { BaseAddress = server.HttpBase };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/search?q=best", UriKind.Relative))).StatusCode);
    }

    private static async Task<JsonObject> SearchAsync(RawClient client, object frame, string id)
    {
        var answer = await RequestAsync(client, frame, id);
        AssertOk(answer);
        return answer;
    }

    private static List<JsonObject> Results(JsonObject answer) => [.. answer["results"]!.AsArray().Select(r => r!.AsObject())];

    private static List<string> Texts(JsonObject answer) => [.. Results(answer).Select(r => r.Str("text")!)];

    private async Task<RawClient> RegisterAsync(TestServer server, string user)
    {
        var client = await ConnectAsync(server);
        var answer = await FirstAnswerAsync(client, new { type = "register", user, password = Password });
        Assert.True(answer.Type() == "welcome", $"expected welcome, got {answer.ToJsonString()}");
        client.Welcome = answer;
        return client;
    }
}

/// <summary>The search suite over the native TCP door.</summary>
public sealed class SearchTcpTests : SearchTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

/// <summary>The search suite over the WebSocket door.</summary>
public sealed class SearchWebSocketTests : SearchTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
