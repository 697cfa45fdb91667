using System.Net;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Rest;

/// <summary>Join, leave, room info, members, create and topic over REST (docs/http-api.md, "REST parity").</summary>
public sealed class RestMembershipTests
{
    [Fact]
    public async Task A_rest_only_bot_joins_201_then_200_posts_and_leaves_204_and_its_membership_is_stored()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var bot = await http.RegisterTokenAsync("bot");

        // Before: the refusal.
        var (refused, refusal, _) = await http.CallAsync(HttpMethod.Post, "/api/rooms/bots/messages", bot, new { text = "hi" });
        Assert.Equal((HttpStatusCode.NotFound, "no_such_room"), (refused, refusal.Code()));

        var (created, info, _) = await http.CallAsync(HttpMethod.Put, "/api/rooms/bots/members/me", bot);
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(("bots", true, "bot", false, 0L), (info!["room"]!.GetValue<string>(), info["joined"]!.GetValue<bool>(), info["owner"]!.GetValue<string>(), info["private"]!.GetValue<bool>(), info["seq"]!.GetValue<long>()));
        Assert.Equal(0, info["read"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.OK, (await http.CallAsync(HttpMethod.Put, "/api/rooms/BOTS/members/me", bot)).Status);

        Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Post, "/api/rooms/bots/messages", bot, new { text = "hi" })).Status);
        var (_, me, _) = await http.CallAsync(HttpMethod.Get, "/api/me", bot);
        Assert.Contains("bots", me!["rooms"]!.AsArray().Select(r => r!.GetValue<string>()));

        // A later login over the protocol is in the room: the membership was stored.
        await using (var live = await server.LoginAsync("bot"))
        {
            Assert.Contains("\"bots\"", live.Welcome["rooms"]!.ToJsonString(), StringComparison.Ordinal);
        }

        var (_, room, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/bots", bot);
        Assert.Equal((1L, 0L), (room!["seq"]!.GetValue<long>(), room["read"]!.GetValue<long>()));

        Assert.Equal(HttpStatusCode.NoContent, (await http.CallAsync(HttpMethod.Delete, "/api/rooms/bots/members/me", bot)).Status);
        var (again, againBody, _) = await http.CallAsync(HttpMethod.Delete, "/api/rooms/bots/members/me", bot);
        Assert.Equal((HttpStatusCode.Forbidden, "not_in_room"), (again, againBody.Code()));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.CallAsync(HttpMethod.Post, "/api/rooms/bots/messages", bot, new { text = "gone" })).Status);
        var (_, outside, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/bots", bot);
        Assert.Equal((false, null), (outside!["joined"]!.GetValue<bool>(), outside["read"]));

        var (bad, badBody, _) = await http.CallAsync(HttpMethod.Put, "/api/rooms/no%20spaces/members/me", bot);
        Assert.Equal((HttpStatusCode.BadRequest, "bad_request"), (bad, badBody.Code()));
        Assert.Equal(HttpStatusCode.NotFound, (await http.CallAsync(HttpMethod.Get, "/api/rooms/nowhere", bot)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.CallAsync(HttpMethod.Get, "/api/rooms/nowhere/members", bot)).Status);
    }

    [Fact]
    public async Task A_rest_join_and_leave_are_heard_by_a_websocket_member_and_move_the_accounts_live_tcp_connection()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        await using var alice = await server.RegisterOverWebSocketAsync("alice");
        await JoinRoomAsync(alice, "dev");
        await using var bot = await server.RegisterAsync("bot"); // the bot's live stream (as an event stream would be)

        Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/members/me", bot.Token())).Status);
        await ReadEntryAsync(bot, "dev");
        await alice.ReadUntilAsync(f => RestSteps.TellsJoined(f, "dev", "bot"));

        var (status, members, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/dev/members", bot.Token());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["alice", "bot"], Names(members!["users"]!.AsArray()));
        Assert.Equal(2, members["count"]!.GetValue<int>());
        var (_, info, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/dev", bot.Token());
        Assert.Equal(2, info!["members"]!.GetValue<int>());

        await SendOkAsync(alice, "dev", "hello bot", "m1");
        await bot.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "hello bot");

        Assert.Equal(HttpStatusCode.NoContent, (await http.CallAsync(HttpMethod.Delete, "/api/rooms/dev/members/me", bot.Token())).Status);
        var left = await bot.ReadUntilAsync(f => f.Type() == "left" && f.Str("room") == "dev");
        Assert.Equal(("bot", "left"), (left.Str("user"), left.Str("reason")));
        await alice.ReadUntilAsync(f => RestSteps.TellsLeft(f, "dev", "bot"));
        var (_, after, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/dev/members", bot.Token());
        Assert.Equal(["alice"], Names(after!["users"]!.AsArray()));
    }

    [Fact]
    public async Task Members_are_paged_with_a_next_cursor_and_a_link_header()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var clients = new List<RawClient>();
        try
        {
            foreach (var name in new[] { "ann", "ben", "cat" })
            {
                var client = await server.RegisterAsync(name);
                clients.Add(client);
                await JoinRoomAsync(client, "dev");
            }

            var token = clients[0].Token();
            var seen = new List<string>();
            var path = "/api/rooms/dev/members?limit=2";
            var pages = 0;
            while (path is not null)
            {
                var (status, page, link) = await http.CallAsync(HttpMethod.Get, path, token);
                Assert.Equal(HttpStatusCode.OK, status);
                seen.AddRange(Names(page!["users"]!.AsArray()));
                var next = page["next"]?.GetValue<string>();
                Assert.Equal(next is null, link is null);
                path = next is null ? null : $"/api/rooms/dev/members?limit=2&cursor={Uri.EscapeDataString(next)}";
                Assert.True(link is null || link.Contains($"cursor={Uri.EscapeDataString(next!)}", StringComparison.Ordinal), link);
                pages++;
            }

            Assert.Equal(2, pages);
            Assert.Equal(["ann", "ben", "cat"], seen);
            Assert.Equal(HttpStatusCode.BadRequest, (await http.CallAsync(HttpMethod.Get, "/api/rooms/dev/members?cursor=nonsense", token)).Status);
            Assert.Equal(HttpStatusCode.BadRequest, (await http.CallAsync(HttpMethod.Get, "/api/rooms/dev/members?limit=0", token)).Status);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Create_answers_201_then_409_and_topic_follows_the_protocols_lock()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var owner = await http.RegisterTokenAsync("owner");
        await using var bob = await server.RegisterAsync("bob");

        var (created, info, _) = await http.CallAsync(HttpMethod.Post, "/api/rooms", owner, new { room = "Plans" });
        Assert.Equal((HttpStatusCode.Created, "Plans", "owner", true), (created, info!["room"]!.GetValue<string>(), info["owner"]!.GetValue<string>(), info["joined"]!.GetValue<bool>()));
        var (taken, takenBody, _) = await http.CallAsync(HttpMethod.Post, "/api/rooms", owner, new { room = "plans" });
        Assert.Equal((HttpStatusCode.Conflict, "name_taken"), (taken, takenBody.Code()));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.CallAsync(HttpMethod.Post, "/api/rooms", owner, new { })).Status);

        await JoinRoomAsync(bob, "plans");
        var (locked, lockedBody, _) = await http.CallAsync(HttpMethod.Put, "/api/rooms/plans/topic", bob.Token(), new { topic = "mine" });
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (locked, lockedBody.Code()));
        var (set, setBody, _) = await http.CallAsync(HttpMethod.Put, "/api/rooms/plans/topic", owner, new { topic = "Q1 plans", @lock = false });
        Assert.Equal((HttpStatusCode.OK, "Q1 plans", false), (set, setBody!["topic"]!.GetValue<string>(), setBody["locked"]!.GetValue<bool>()));
        var heard = await bob.ReadUntilAsync(f => f.Type() == "topic" && f.Str("topic") == "Q1 plans");
        Assert.Equal("owner", heard.Str("by"));
        Assert.Equal(HttpStatusCode.OK, (await http.CallAsync(HttpMethod.Put, "/api/rooms/plans/topic", bob.Token(), new { topic = "unlocked now" })).Status);
        var (_, room, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/plans", owner);
        Assert.Equal(("unlocked now", false), (room!["topic"]!.GetValue<string>(), room["locked"]!.GetValue<bool>()));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.CallAsync(HttpMethod.Put, "/api/rooms/plans/topic", owner, new { })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.CallAsync(HttpMethod.Put, "/api/rooms/nowhere/topic", owner, new { topic = "x" })).Status);
    }

    [Fact]
    public async Task Every_new_route_answers_401_with_a_bearer_challenge_without_a_token()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        (HttpMethod Method, string Path)[] routes =
        [
            (HttpMethod.Get, "/api/rooms/lobby"), (HttpMethod.Post, "/api/rooms"), (HttpMethod.Put, "/api/rooms/lobby/topic"),
            (HttpMethod.Put, "/api/rooms/lobby/members/me"), (HttpMethod.Delete, "/api/rooms/lobby/members/me"), (HttpMethod.Get, "/api/rooms/lobby/members"),
            (HttpMethod.Delete, "/api/messages/x"), (HttpMethod.Put, "/api/conversations/@a,b/read"),
            (HttpMethod.Get, "/api/invitations"), (HttpMethod.Put, "/api/rooms/lobby/invitations/bob"), (HttpMethod.Delete, "/api/rooms/lobby/invitations/bob"),
            (HttpMethod.Post, "/api/rooms/lobby/kicks"), (HttpMethod.Put, "/api/rooms/lobby/bans/bob"), (HttpMethod.Delete, "/api/rooms/lobby/bans/bob"),
            (HttpMethod.Put, "/api/rooms/lobby/mutes/bob"), (HttpMethod.Delete, "/api/rooms/lobby/mutes/bob"),
            (HttpMethod.Put, "/api/rooms/lobby/moderators/bob"), (HttpMethod.Delete, "/api/rooms/lobby/moderators/bob"),
            (HttpMethod.Put, "/api/rooms/lobby/private"), (HttpMethod.Post, "/api/kicks"), (HttpMethod.Put, "/api/bans/bob"), (HttpMethod.Delete, "/api/bans/bob"),
            (HttpMethod.Put, "/api/address-bans/10.0.0.1"), (HttpMethod.Delete, "/api/address-bans/10.0.0.1"),
        ];
        foreach (var (method, path) in routes)
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {response.StatusCode}");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Contains("\"code\":\"auth_failed\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
