using System.Net;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Rest;

/// <summary>Delete, deleted messages in history, history pages with <c>next</c>, and group conversations over REST.</summary>
public sealed class RestMessageTests
{
    [Fact]
    public async Task Delete_is_for_the_author_and_moderators_a_hidden_message_is_missing_and_history_shows_deleted_true_as_the_line_door_does()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        await using var owner = await server.RegisterAsync("owner");
        await JoinRoomAsync(owner, "dev");
        await using var bob = await server.RegisterAsync("bob");
        await JoinRoomAsync(bob, "dev");
        var carol = await http.RegisterTokenAsync("carol"); // not in dev
        var mine = (await SendOkAsync(bob, "dev", "oops", "b1")).Str("msg")!;
        var owners = (await SendOkAsync(owner, "dev", "keep", "o1")).Str("msg")!;
        var other = (await SendOkAsync(owner, "dev", "moderated", "o2")).Str("msg")!;

        var (hidden, hiddenBody, _) = await http.CallAsync(HttpMethod.Delete, $"/api/messages/{mine}", carol);
        Assert.Equal((HttpStatusCode.NotFound, "no_such_message"), (hidden, hiddenBody.Code()));
        var (missing, missingBody, _) = await http.CallAsync(HttpMethod.Delete, "/api/messages/no-such-id", carol);
        Assert.Equal((hiddenBody!["message"]!.GetValue<string>().Replace(mine, "no-such-id", StringComparison.Ordinal), missing), (missingBody!["message"]!.GetValue<string>(), HttpStatusCode.NotFound));
        var (notYours, notYoursBody, _) = await http.CallAsync(HttpMethod.Delete, $"/api/messages/{owners}", bob.Token());
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (notYours, notYoursBody.Code()));

        var (deleted, body, _) = await http.CallAsync(HttpMethod.Delete, $"/api/messages/{mine}", bob.Token());
        Assert.Equal((HttpStatusCode.OK, "dev", mine, 1L), (deleted, body!["room"]!.GetValue<string>(), body["msg"]!.GetValue<string>(), body["seq"]!.GetValue<long>()));
        await owner.ReadUntilAsync(f => f.Type() == "deleted" && f.Str("msg") == mine);
        Assert.Equal(HttpStatusCode.OK, (await http.CallAsync(HttpMethod.Delete, $"/api/messages/{other}", owner.Token())).Status); // a moderator
        Assert.Equal(HttpStatusCode.OK, (await http.CallAsync(HttpMethod.Delete, $"/api/messages/{mine}", bob.Token())).Status); // again: changes nothing, as the protocol's

        var (_, page, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/dev/messages", bob.Token());
        var rest = page!["messages"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == mine)!;
        Assert.Equal((true, ""), (rest["deleted"]!.GetValue<bool>(), rest["text"]!.GetValue<string>()));
        var line = (await RequestAsync(bob, new { type = "history", room = "dev", id = "h" }, "h"))["messages"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == mine)!;
        Assert.True(JsonNode.DeepEquals(line, rest), $"{line.ToJsonString()} vs {rest.ToJsonString()}");
    }

    [Fact]
    public async Task History_pages_carry_next_backwards_and_forwards_until_the_last()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var bot = await http.RegisterTokenAsync("bot");
        Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Put, "/api/rooms/log/members/me", bot)).Status);
        for (var i = 1; i <= 7; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Post, "/api/rooms/log/messages", bot, new { text = $"m{i}" })).Status);
        }

        Assert.Equal([5L, 6L, 7L, 2L, 3L, 4L, 1L], await WalkAsync(http, bot, "/api/rooms/log/messages?limit=3"));
        Assert.Equal(Range(1, 7), await WalkAsync(http, bot, "/api/rooms/log/messages?after=0&limit=3"));
        Assert.Equal(Range(1, 7), await WalkAsync(http, bot, "/api/rooms/log/messages?after=0&limit=7")); // a full last page: one empty page ends it
        var (_, whole, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/log/messages", bot);
        Assert.Null(whole!["next"]); // everything fits: no next
        var (_, older, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/log/messages?before=4&limit=2", bot);
        Assert.Equal("/api/rooms/log/messages?before=2&limit=2", older!["next"]!.GetValue<string>());
    }

    private static async Task<List<long>> WalkAsync(HttpClient http, string token, string path)
    {
        var seqs = new List<long>();
        for (string? next = path; next is not null;)
        {
            var (status, page, _) = await http.CallAsync(HttpMethod.Get, next, token);
            Assert.Equal(HttpStatusCode.OK, status);
            seqs.AddRange(Seqs(page!.AsObject()));
            next = page["next"]?.GetValue<string>();
            Assert.True(seqs.Count <= 14, "the pages never end");
        }

        return seqs;
    }

    [Fact]
    public async Task A_group_conversation_is_sent_read_listed_and_marked_read_over_rest_and_refused_to_outsiders()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var alice = await http.RegisterTokenAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        var carol = await http.RegisterTokenAsync("carol");
        var dave = await http.RegisterTokenAsync("dave");
        const string Group = "/api/conversations/@alice,bob,carol";

        var (sent, ok, _) = await http.CallAsync(HttpMethod.Post, $"{Group}/messages", alice, new { text = "hi both", id = "g1" });
        Assert.Equal((HttpStatusCode.Created, "@alice,bob,carol", 1L), (sent, ok!["room"]!.GetValue<string>(), ok["seq"]!.GetValue<long>()));
        var heard = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("room") == "@alice,bob,carol");
        Assert.Equal(("alice", "hi both"), (heard.Str("from"), heard.Str("text")));
        Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Post, $"{Group}/messages", carol, new { text = "hi all" })).Status);

        var (read, page, _) = await http.CallAsync(HttpMethod.Get, $"{Group}/messages", carol);
        Assert.Equal((HttpStatusCode.OK, "@alice,bob,carol"), (read, page!["room"]!.GetValue<string>()));
        Assert.Equal(["hi both", "hi all"], Texts(page.AsObject()));

        var (_, list, _) = await http.CallAsync(HttpMethod.Get, "/api/conversations", bob.Token());
        var entry = list!.AsArray().Single(c => c!["room"]!.GetValue<string>() == "@alice,bob,carol")!;
        Assert.Equal((2L, 0L, 2L), (entry["seq"]!.GetValue<long>(), entry["read"]!.GetValue<long>(), entry["unread"]!.GetValue<long>()));
        var (marked, markedBody, _) = await http.CallAsync(HttpMethod.Put, $"{Group}/read", bob.Token(), new { seq = 2 });
        Assert.Equal((HttpStatusCode.OK, 2L), (marked, markedBody!["seq"]!.GetValue<long>()));
        await bob.ReadUntilAsync(f => f.Type() == "read" && f.Str("room") == "@alice,bob,carol"); // the account's live connection hears it
        var (_, after, _) = await http.CallAsync(HttpMethod.Get, "/api/conversations", bob.Token());
        Assert.Equal(0L, after!.AsArray().Single(c => c!["room"]!.GetValue<string>() == "@alice,bob,carol")!["unread"]!.GetValue<long>());

        // Outsiders: another's conversation is forbidden; a made-up spelling is bad_request.
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[] { (HttpMethod.Get, $"{Group}/messages", null), (HttpMethod.Post, $"{Group}/messages", new { text = "me too" }), (HttpMethod.Put, $"{Group}/read", new { seq = 1 }) })
        {
            var (status, error, _) = await http.CallAsync(method, path, dave, body);
            Assert.True((status, error.Code()) == (HttpStatusCode.Forbidden, "forbidden"), $"{method} {path}: {status} {error?.ToJsonString()}");
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await http.CallAsync(HttpMethod.Post, "/api/conversations/@carol,bob,alice/messages", alice, new { text = "x" })).Status);

        // A two-person id works as the other's name does.
        var (pair, pairBody, _) = await http.CallAsync(HttpMethod.Post, "/api/conversations/@alice,bob/messages", alice, new { text = "just you" });
        Assert.Equal((HttpStatusCode.Created, "@alice,bob"), (pair, pairBody!["room"]!.GetValue<string>()));
        var (_, byName, _) = await http.CallAsync(HttpMethod.Get, "/api/conversations/bob/messages", alice);
        Assert.Equal(["just you"], Texts(byName!.AsObject()));
    }
}
