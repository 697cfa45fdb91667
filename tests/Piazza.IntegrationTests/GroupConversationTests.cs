using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>
/// Group conversations (issue 14), one suite over every door that carries frames: <c>send</c> with <c>"to"</c> as a
/// list opens <c>@a,b,c</c>; its history, resume, REST reads and shared files are for its participants only.
/// </summary>
public abstract class GroupConversationTests
{
    private const string Group = "@alice,bob,carol";

    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    [Fact]
    public async Task A_group_message_reaches_every_participant_under_one_id_with_the_others_in_to_and_nobody_else()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var accounts = await RegisterAllAsync(http, "alice", "Bob", "carol", "dave");
        await using var alice = await LogInAsync(server, accounts["alice"]);
        await using var bob = await LogInAsync(server, accounts["Bob"]);
        await using var carol = await LogInAsync(server, accounts["carol"]);
        await using var dave = await LogInAsync(server, accounts["dave"]);

        var echoes = new List<JsonObject>();
        var ok = await RequestAsync(alice, new { type = "send", to = new[] { "carol", "BOB" }, text = "hi both", id = "g1" }, "g1", echoes);
        AssertOk(ok);
        Assert.Equal((Group, 1L), (ok.Str("room"), ok.Seq()));
        var received = new List<JsonObject> { echoes.Single(f => f.Type() == "message") };
        received.Add(await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "hi both"));
        received.Add(await carol.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "hi both"));
        foreach (var message in received)
        {
            Assert.Equal((Group, "alice", 1L), (message.Str("room"), message.Str("from"), message.Seq()));
            Assert.Equal(["Bob", "carol"], To(message));
        }

        // Another participant answers in the same conversation; a repeated id is the same message.
        var reply = await RequestAsync(carol, new { type = "send", to = new[] { "alice", "bob" }, text = "hello", id = "c1" }, "c1");
        Assert.Equal((Group, 2L), (reply.Str("room"), reply.Seq()));
        var atBob = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "hello");
        Assert.Equal(["alice", "Bob"], To(atBob));
        var again = await RequestAsync(carol, new { type = "send", to = new[] { "bob", "alice" }, text = "hello", id = "c1" }, "c1");
        Assert.Equal((2L, true), (again.Seq(), again["duplicate"]!.GetValue<bool>()));

        // A different set is a different conversation; the two-person form is unchanged.
        var other = await RequestAsync(alice, new { type = "send", to = new[] { "bob", "dave" }, text = "other set", id = "g2" }, "g2");
        Assert.Equal(("@alice,bob,dave", 1L), (other.Str("room"), other.Seq()));
        var pair = await RequestAsync(alice, new { type = "send", to = "bob", text = "just us", id = "p1" }, "p1");
        Assert.Equal("@alice,bob", pair.Str("room"));
        var pairAtBob = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "just us");
        Assert.Equal("Bob", pairAtBob.Str("to"));

        // dave is in the second group only: the first never reaches him.
        await SendOkAsync(alice, "lobby", "marker", "m");
        var skipped = new List<JsonObject>();
        await dave.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "marker", skipped: skipped);
        Assert.DoesNotContain(skipped, f => f.Str("room") == Group);
        Assert.Contains(skipped, f => f.Type() == "message" && f.Str("room") == "@alice,bob,dave");
    }

    [Fact]
    public async Task History_login_resume_rest_and_files_of_a_group_are_for_its_participants_only()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var accounts = await RegisterAllAsync(http, "alice", "bob", "carol", "dave");
        await using var alice = await LogInAsync(server, accounts["alice"]);
        await using var dave = await LogInAsync(server, accounts["dave"]);
        var data = TusTestClient.RandomBytes(700);
        var fileId = await accounts["alice"].UploadAsync(data, "plan.txt");
        AssertOk(await RequestAsync(alice, new { type = "send", to = new[] { "bob", "carol" }, text = "one", id = "g1" }, "g1"));
        AssertOk(await RequestAsync(alice, new { type = "send", to = new[] { "bob", "carol" }, text = "two", file = new { id = fileId }, id = "g2" }, "g2"));

        // Login enters the account's recent conversations, the group included (carol was offline).
        await using var carol = await LogInAsync(server, accounts["carol"]);
        var entered = await carol.ReadUntilAsync(f => f.Type() == "history" && f.Str("room") == Group);
        Assert.Equal(["one", "two"], Texts(entered));
        Assert.Equal(["bob", "carol"], To(entered["messages"]![0]!.AsObject()));

        var history = await RequestAsync(carol, new { type = "history", room = Group, id = "h" }, "h");
        Assert.Equal([1L, 2], Seqs(history));
        AssertError(await RequestAsync(dave, new { type = "history", room = Group, id = "h1" }, "h1"), "forbidden");
        foreach (var bad in new[] { "@bob,alice,carol", "@alice,alice,bob", "@alice,bob,carol,", "@alice,,carol", "@a,b,c,d,e,f,g,h,i,j,k" })
        {
            AssertError(await RequestAsync(carol, new { type = "history", room = bad, id = "h2" }, "h2"), "bad_request");
        }

        // REST reads of the group: the participants, not dave.
        using var carolHttp = server.CreateHttpClient(accounts["carol"].Token);
        using var daveHttp = server.CreateHttpClient(accounts["dave"].Token);
        var rest = JsonNode.Parse(await carolHttp.GetStringAsync($"/api/rooms/{Group}/messages"))!;
        Assert.Equal(2, rest["messages"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.Forbidden, (await daveHttp.GetAsync($"/api/rooms/{Group}/messages")).StatusCode);

        // The file shared in the group: its participants download it, dave may not.
        Assert.Equal(data, await (await accounts["bob"].DownloadAsync(fileId)).Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await accounts["dave"].DownloadAsync(fileId)).StatusCode);

        // Resume: bob (never online so far) asks from seq 1 and gets seq 2 only; dave's resume of it is ignored.
        await using var bob = await ResumeAsync(server, accounts["bob"], new Dictionary<string, long> { [Group] = 1 });
        var resumed = await bob.ReadUntilAsync(f => f.Type() == "history" && f.Str("room") == Group);
        Assert.Equal([2L], Seqs(resumed));
        await using var daveAgain = await ResumeAsync(server, accounts["dave"], new Dictionary<string, long> { [Group] = 0 });
        await SendOkAsync(alice, "lobby", "marker", "m");
        var skipped = new List<JsonObject>();
        await daveAgain.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "marker", skipped: skipped);
        Assert.DoesNotContain(skipped, f => f.Str("room") == Group);

        // Sends by the group's id: over REST for carol, in "room" on the door for bob; dave is refused.
        var posted = await carolHttp.PostAsJsonAsync($"/api/rooms/{Group}/messages", new { text = "by rest" });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        Assert.Equal(3, JsonNode.Parse(await posted.Content.ReadAsStringAsync())!["seq"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.Forbidden, (await daveHttp.PostAsJsonAsync($"/api/rooms/{Group}/messages", new { text = "let me in" })).StatusCode);
        AssertError(await RequestAsync(dave, new { type = "send", room = Group, text = "let me in", id = "d1" }, "d1"), "forbidden");
        var byId = await RequestAsync(bob, new { type = "send", room = Group, text = "by id", id = "b1" }, "b1");
        Assert.Equal((Group, 4L), (byId.Str("room"), byId.Seq()));
        var atAlice = await alice.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "by id");
        Assert.Equal(["alice", "carol"], To(atAlice));
    }

    [Fact]
    public async Task Bad_group_sends_get_coded_errors_and_the_connection_stays_usable()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var accounts = await RegisterAllAsync(http, "alice", "bob", "carol");
        await using var alice = await LogInAsync(server, accounts["alice"]);
        var tenOthers = Enumerable.Range(1, 10).Select(i => $"user{i}").ToArray();
        var refusals = new (object To, string Code)[]
        {
            (Array.Empty<string>(), "bad_request"),
            (new[] { "bob" }, "bad_request"),
            (tenOthers, "bad_request"),
            (new[] { "bob", "BOB" }, "bad_request"),
            (new[] { "alice", "bob" }, "bad_request"),
            (new[] { "bob", "" }, "bad_request"),
            (new[] { "bob", "ghost" }, "no_such_user"),
            (5, "bad_request"),
            (new object[] { "bob", 7 }, "bad_request"),
            (new { bob = true }, "bad_request"),
        };
        var n = 0;
        foreach (var (to, code) in refusals)
        {
            var id = $"r{n++}";
            var answer = await RequestAsync(alice, new { type = "send", to, text = "x", id }, id);
            Assert.True(answer.Type() == "error" && answer.Str("code") == code, $"to={System.Text.Json.JsonSerializer.Serialize(to)}: {answer.ToJsonString()}");
        }

        // A guest may take part (its key is per login, so its conversations are per login too).
        await using var guest = await HelloAsync(server, "gus");
        var withGuest = await RequestAsync(alice, new { type = "send", to = new[] { "bob", "gus" }, text = "hi gus", id = "ok1" }, "ok1");
        AssertOk(withGuest);
        Assert.Matches("^@alice,bob,~gus~[0-9a-f]{16}$", withGuest.Str("room"));
        var atGuest = await guest.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "hi gus");
        Assert.Equal(["bob", "gus"], To(atGuest));
        AssertOk(await RequestAsync(alice, new { type = "send", room = "lobby", text = "still here", id = "ok2" }, "ok2"));
    }

    private static List<string> To(JsonObject message) => [.. message["to"]!.AsArray().Select(n => n!.GetValue<string>())];

    private static async Task<Dictionary<string, TusTestClient>> RegisterAllAsync(HttpClient http, params string[] users)
    {
        var accounts = new Dictionary<string, TusTestClient>();
        foreach (var user in users)
        {
            accounts[user] = await TusTestClient.RegisterAsync(http, user);
        }

        return accounts;
    }

    private Task<RawClient> LogInAsync(TestServer server, TusTestClient account) => ResumeAsync(server, account, null);

    private async Task<RawClient> ResumeAsync(TestServer server, TusTestClient account, Dictionary<string, long>? resume)
    {
        var client = await ConnectAsync(server);
        await client.SendAsync(resume is null ? new { type = "hello", token = account.Token } : new { type = "hello", token = account.Token, resume });
        var welcome = await client.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.True(welcome.Type() == "welcome", welcome.ToJsonString());
        client.Welcome = welcome;
        return client;
    }

    private async Task<RawClient> HelloAsync(TestServer server, string user)
        => (await RawClient.HelloAsync(await ConnectAsync(server), user)).Client;
}

/// <summary>The group conversation suite over the native TCP door.</summary>
public sealed class GroupConversationTcpTests : GroupConversationTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

/// <summary>The group conversation suite over the WebSocket door.</summary>
public sealed class GroupConversationWebSocketTests : GroupConversationTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
