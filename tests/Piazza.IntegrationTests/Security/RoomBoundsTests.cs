using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Piazza.Core.Storage;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// Issue 11, "rooms without bound" and the muted topic: room creation throttled per account and per address, guests'
/// rooms gone once empty, the room list paged, a muted user kept off the topic. One suite over every door with frames.
/// </summary>
public abstract class RoomBoundsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    private async Task<RawClient> GuestAsync(TestServer server, string user) => (await RawClient.HelloAsync(await ConnectAsync(server), user)).Client;

    private async Task<RawClient> RegisteredAsync(TestServer server, string user)
    {
        var client = await ConnectAsync(server);
        await client.SendAsync(new { type = "register", user, password = Password });
        var welcome = await client.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.True(welcome.Type() == "welcome", welcome.ToJsonString());
        client.Welcome = welcome;
        return client;
    }

    [Fact]
    public async Task Room_creation_is_throttled_per_address_across_many_guest_connections()
    {
        // Per account off: only the address's budget can stop ten guests creating one room each.
        await using var server = await TestServer.StartAsync(new TestServerOptions
        {
            Limits = TestLimits.Off with { AddressRoomCreationsPerMinute = 1, AddressRoomCreationBurst = 5 },
        });
        var guests = new List<RawClient>();
        try
        {
            var answers = new List<JsonObject>();
            for (var i = 0; i < 10; i++)
            {
                var guest = await GuestAsync(server, $"flooder{i}");
                guests.Add(guest);
                answers.Add(await RequestAsync(guest, new { type = "join", room = $"spam{i}", id = "j" }, "j"));
            }

            Assert.All(answers.Take(5), AssertOk);
            Assert.All(answers.Skip(5), a =>
            {
                AssertError(a, "rate_limited");
                Assert.True(a["retryAfter"]!.GetValue<double>() > 0, a.ToJsonString());
            });

            // Joining a room that exists costs nothing, and the refused rooms were never made.
            AssertOk(await RequestAsync(guests[9], new { type = "join", room = "spam0", id = "j2" }, "j2"));
            AssertError(await RequestAsync(guests[9], new { type = "who", room = "spam7", id = "w" }, "w"), "no_such_room");
        }
        finally
        {
            foreach (var guest in guests)
            {
                await guest.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Room_creation_is_throttled_per_account()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions
        {
            Limits = TestLimits.Off with { RoomCreationsPerMinute = 1, RoomCreationBurst = 3 },
        });
        await using var alice = await RegisteredAsync(server, "alice");
        for (var i = 0; i < 3; i++)
        {
            AssertOk(await RequestAsync(alice, new { type = "join", room = $"mine{i}", id = $"j{i}" }, $"j{i}"));
        }

        AssertError(await RequestAsync(alice, new { type = "join", room = "mine3", id = "j3" }, "j3"), "rate_limited");

        // Another account from the same address still has its own budget.
        await using var bob = await RegisteredAsync(server, "bob");
        AssertOk(await RequestAsync(bob, new { type = "join", room = "bobs", id = "j" }, "j"));
    }

    [Fact]
    public async Task Guests_cannot_create_rooms_when_the_server_says_so_but_may_join_existing_ones()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { GuestsMayCreateRooms = false });
        await using var alice = await RegisteredAsync(server, "alice");
        AssertOk(await RequestAsync(alice, new { type = "join", room = "dev", id = "j" }, "j"));
        await using var guest = await GuestAsync(server, "visitor");
        AssertError(await RequestAsync(guest, new { type = "join", room = "mine", id = "j" }, "j"), "forbidden");
        AssertOk(await RequestAsync(guest, new { type = "join", room = "dev", id = "j2" }, "j2"));
    }

    [Fact]
    public async Task A_rooms_reply_never_drops_its_asker_as_slow_consumer_even_with_thousands_of_rooms()
    {
        // 3,000 rooms with long topics are about 1 MB as one reply; the outbox holds 256 KiB.
        await using var server = await TestServer.StartAsync(new TestServerOptions { OutboxMaxBytes = 256 * 1024 });
        var names = await CreateStoredRoomsAsync(server, 3000, topic: new string('t', 300));
        await using var asker = await GuestAsync(server, "asker");

        // The default page, or fewer when a page of the longest rooms might not fit in half the outbox (48 here).
        var first = await RequestAsync(asker, new { type = "rooms", id = "r" }, "r");
        AssertOk(first);
        Assert.Equal(48, first["rooms"]!.AsArray().Count);
        Assert.NotNull(first.Str("next"));

        // Paging with the largest page still reaches every room exactly once, in order, and the asker stays connected.
        var listed = await ListAllAsync(asker, limit: 500);
        Assert.Equal(names.Append("lobby").Order(StringComparer.Ordinal), listed);
        Assert.Equal("pong", (await RequestAsync(asker, new { type = "ping", id = "p" }, "p")).Type());
    }

    [Fact]
    public async Task Paging_returns_every_room_exactly_once_while_rooms_are_created()
    {
        await using var server = await TestServer.StartAsync();
        var names = await CreateStoredRoomsAsync(server, 57, topic: null);
        await using var asker = await GuestAsync(server, "asker");

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await RequestAsync(asker, cursor is null ? new { type = "rooms", limit = 10, id = "r" } : (object)new { type = "rooms", cursor, limit = 10, id = "r" }, "r");
            AssertOk(page);
            seen.AddRange(page["rooms"]!.AsArray().Select(r => r!["room"]!.GetValue<string>()));
            cursor = page.Str("next");
            if (pages++ == 2)
            {
                // A room created behind the cursor is not listed again; one ahead of it is listed once.
                AssertOk(await RequestAsync(asker, new { type = "join", room = "aaa-early", id = "j1" }, "j1"));
                AssertOk(await RequestAsync(asker, new { type = "join", room = "zzz-late", id = "j2" }, "j2"));
            }
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(names.Append("lobby").Append("zzz-late").Order(StringComparer.Ordinal), seen);
        Assert.Equal(6, pages);

        AssertError(await RequestAsync(asker, new { type = "rooms", limit = 0, id = "b1" }, "b1"), "bad_request");
        AssertError(await RequestAsync(asker, new { type = "rooms", limit = 501, id = "b2" }, "b2"), "bad_request");
        AssertError(await RequestAsync(asker, new { type = "rooms", cursor = "not a room!", id = "b3" }, "b3"), "bad_request");
    }

    [Fact]
    public async Task A_guests_room_goes_away_once_its_last_user_leaves()
    {
        await using var server = await TestServer.StartAsync();
        var first = await GuestAsync(server, "first");
        AssertOk(await RequestAsync(first, new { type = "join", room = "tmp", id = "j" }, "j"));
        await SendOkAsync(first, "tmp", "from the first guest", "s");
        await using var second = await GuestAsync(server, "second");
        AssertOk(await RequestAsync(second, new { type = "join", room = "tmp", id = "j" }, "j"));
        var withRoom = server.Hub.ConversationsInMemory;

        // One leaves, one disconnects: nobody is in it any more.
        AssertOk(await RequestAsync(second, new { type = "leave", room = "tmp", id = "l" }, "l"));
        Assert.Contains("tmp", await ListAllAsync(second, 100));
        await first.DisposeAsync();
        await WaitUntilAsync(async () => !(await ListAllAsync(second, 100)).Contains("tmp"));
        AssertError(await RequestAsync(second, new { type = "who", room = "tmp", id = "w" }, "w"), "no_such_room");
        await WaitUntilAsync(() => Task.FromResult(server.Hub.ConversationsInMemory == withRoom - 1));

        // The name is free again, and the new room starts empty under its new owner.
        await using var third = await GuestAsync(server, "third");
        var (entry, _) = await JoinRoomAsync(third, "tmp");
        var history = entry.Single(f => f.Type() == "history");
        Assert.Empty(history["messages"]!.AsArray());
        Assert.Contains("third", entry.Single(f => f.Type() == "room").Str("owner"), StringComparison.Ordinal);

        // An account's room stays when its owner goes.
        var alice = await RegisteredAsync(server, "alice");
        AssertOk(await RequestAsync(alice, new { type = "join", room = "kept", id = "j" }, "j"));
        await alice.DisposeAsync();
        Assert.Contains("kept", await ListAllAsync(third, 100));
    }

    [Fact]
    public async Task A_guests_room_does_not_survive_a_restart()
    {
        var server = await TestServer.StartAsync();
        var data = server.DataDirectory;
        try
        {
            var guest = await GuestAsync(server, "guest");
            AssertOk(await RequestAsync(guest, new { type = "join", room = "ephemeral", id = "j" }, "j"));
            var alice = await RegisteredAsync(server, "alice");
            AssertOk(await RequestAsync(alice, new { type = "join", room = "lasting", id = "j" }, "j"));
            await server.StopKeepingDataAsync();
            await guest.DisposeAsync();
            await alice.DisposeAsync();

            server = await TestServer.StartInAsync(data);
            await using var asker = await GuestAsync(server, "asker");
            Assert.Equal(["lasting", "lobby"], await ListAllAsync(asker, 100));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_muted_user_cannot_change_an_unlocked_topic()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisteredAsync(server, "alice");
        AssertOk(await RequestAsync(alice, new { type = "join", room = "dev", id = "j" }, "j"));
        AssertOk(await RequestAsync(alice, new { type = "topic", room = "dev", topic = "the plan", @lock = false, id = "l" }, "l"));
        await using var bob = await RegisteredAsync(server, "bob");
        AssertOk(await RequestAsync(bob, new { type = "join", room = "dev", id = "j" }, "j"));
        AssertOk(await RequestAsync(alice, new { type = "mute", room = "dev", user = "bob", id = "m" }, "m"));

        var refused = await RequestAsync(bob, new { type = "topic", room = "dev", topic = "defaced", id = "t" }, "t");
        AssertError(refused, "muted");
        var listing = await RequestAsync(bob, new { type = "rooms", id = "r" }, "r");
        Assert.Equal("the plan", listing["rooms"]!.AsArray().Single(r => r!["room"]!.GetValue<string>() == "dev")!["topic"]!.GetValue<string>());

        // Unmuted, the unlocked topic is anyone's again.
        AssertOk(await RequestAsync(alice, new { type = "unmute", room = "dev", user = "bob", id = "u" }, "u"));
        AssertOk(await RequestAsync(bob, new { type = "topic", room = "dev", topic = "fixed", id = "t2" }, "t2"));
    }

    /// <summary>Stores rooms directly (the protocol would throttle a test as it throttles an attacker).</summary>
    internal static async Task<List<string>> CreateStoredRoomsAsync(TestServer server, int count, string? topic)
    {
        var store = server.Services.GetRequiredService<IChatStore>();
        var names = Enumerable.Range(0, count).Select(i => $"room{i:D5}").ToList();
        foreach (var name in names)
        {
            Assert.True(await store.TryCreateRoomAsync(new RoomRecord(name, name, topic, null, DateTimeOffset.UtcNow)));
        }

        return names;
    }

    /// <summary>Every room name, following <c>next</c> from page to page.</summary>
    private static async Task<List<string>> ListAllAsync(RawClient client, int limit)
    {
        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await RequestAsync(client, cursor is null ? new { type = "rooms", limit, id = "all" } : (object)new { type = "rooms", cursor, limit, id = "all" }, "all");
            AssertOk(page);
            names.AddRange(page["rooms"]!.AsArray().Select(r => r!["room"]!.GetValue<string>()));
            cursor = page.Str("next");
        }
        while (cursor is not null);
        return names;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}

public sealed class NativeTcpRoomBoundsTests : RoomBoundsTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

public sealed class WebSocketRoomBoundsTests : RoomBoundsTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}

/// <summary><c>GET /api/rooms</c> pages like the <c>rooms</c> frame: <c>cursor</c> and <c>limit</c>, the next page in a <c>Link</c> header.</summary>
public sealed class RoomPagingHttpTests
{
    [Fact]
    public async Task Paging_over_http_returns_every_room_exactly_once()
    {
        await using var server = await TestServer.StartAsync();
        var names = await RoomBoundsTests.CreateStoredRoomsAsync(server, 25, topic: "a topic");
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var registered = await http.PostAsJsonAsync("/api/register", new { user = "alice", password = Password });
        var token = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        var seen = new List<string>();
        var next = "/api/rooms?limit=10";
        var pages = 0;
        while (next is not null)
        {
            using var response = await http.GetAsync(new Uri(next, UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var rooms = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
            Assert.InRange(rooms.Count, 1, 10);
            seen.AddRange(rooms.Select(r => r!["room"]!.GetValue<string>()));
            next = response.Headers.TryGetValues("Link", out var links)
                ? System.Text.RegularExpressions.Regex.Match(links.Single(), "^<([^>]+)>; rel=\"next\"$").Groups[1].Value
                : null;
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(names.Append("lobby").Order(StringComparer.Ordinal), seen);

        // Without a limit: the default page (all 26 here, so no Link); a bad limit or cursor is a 400.
        using (var whole = await http.GetAsync(new Uri("/api/rooms", UriKind.Relative)))
        {
            Assert.Equal(26, JsonNode.Parse(await whole.Content.ReadAsStringAsync())!.AsArray().Count);
            Assert.False(whole.Headers.Contains("Link"));
        }

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.GetAsync(new Uri("/api/rooms?limit=0", UriKind.Relative))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.GetAsync(new Uri("/api/rooms?limit=501", UriKind.Relative))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.GetAsync(new Uri("/api/rooms?cursor=%20bad%20", UriKind.Relative))).StatusCode);
    }
}

/// <summary>The client library pages the room list: one page, or every room as an async enumerable.</summary>
public sealed class RoomPagingClientLibraryTests
{
    [Fact]
    public async Task The_client_library_pages_through_every_room_exactly_once()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { OutboxMaxBytes = 64 * 1024 });
        var names = await RoomBoundsTests.CreateStoredRoomsAsync(server, 1200, topic: new string('t', 200));
        await using var client = new Piazza.Client.PiazzaClient(new Piazza.Client.PiazzaClientOptions { Port = server.Port, User = "reader" });
        await client.ConnectAsync();

        var first = await client.RoomsPageAsync(limit: 7);
        Assert.Equal(7, first.Rooms.Count);
        Assert.Equal(first.Rooms[^1].Name, first.Next);

        var seen = new List<string>();
        await foreach (var room in client.EnumerateRoomsAsync(pageSize: 100))
        {
            seen.Add(room.Name);
        }

        Assert.Equal(names.Append("lobby").Order(StringComparer.Ordinal), seen);
        Assert.Equal(seen, (await client.RoomsAsync()).Select(r => r.Name));
        Assert.Equal(Piazza.Client.ConnectionState.Connected, client.State);
    }
}
