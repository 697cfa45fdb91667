using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Pins;

/// <summary>The client library's side of pins: PinAsync, UnpinAsync, PinsAsync, the typed events and RoomEntered.Pinned.</summary>
public sealed class PinClientTests
{
    [Fact]
    public async Task Pins_arrive_as_typed_events_list_as_pinned_messages_and_a_refusal_is_a_typed_exception()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "alice", Password = Password, Register = true });
        await alice.ConnectAsync();
        await using var bob = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "bob", Password = Password, Register = true });
        await bob.ConnectAsync();
        await alice.JoinAsync("dev");
        await bob.JoinAsync("dev");
        var sent = await bob.SendAsync("dev", "the plan");

        await alice.PinAsync("dev", sent.MessageId);
        var pinned = await bob.NextAsync<MessagePinned>();
        Assert.Equal(("dev", sent.Seq, sent.MessageId, "alice"), (pinned.Conversation, pinned.Seq, pinned.MessageId, pinned.By));
        Assert.NotNull(pinned.At);

        var pins = await bob.PinsAsync("dev");
        var pin = Assert.Single(pins);
        Assert.Equal(("the plan", "bob", sent.Seq, "alice", false), (pin.Message.Text, pin.Message.From, pin.Message.Seq, pin.PinnedBy, pin.Truncated));
        Assert.NotNull(pin.PinnedAt);

        var refused = await Assert.ThrowsAsync<PiazzaException>(() => bob.UnpinAsync("dev", sent.MessageId));
        Assert.Equal(Piazza.Protocol.ErrorCode.Forbidden, refused.Code);

        await using var carol = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "carol", Password = Password, Register = true });
        await carol.ConnectAsync();
        await carol.JoinAsync("dev");
        Assert.Equal([sent.MessageId], (await carol.NextAsync<RoomEntered>(r => r.Room == "dev")).Pinned);

        await alice.UnpinAsync("dev", sent.MessageId);
        var unpinned = await carol.NextAsync<MessageUnpinned>();
        Assert.Equal((sent.MessageId, "alice"), (unpinned.MessageId, unpinned.By));
        Assert.Empty(await carol.PinsAsync("dev"));
    }
}

/// <summary>Pins over REST (docs/http-api.md): <c>GET /api/rooms/{room}/pins</c>, <c>PUT</c> and <c>DELETE /api/rooms/{room}/pins/{msg}</c>.</summary>
public sealed class PinHttpTests
{
    [Fact]
    public async Task Put_pins_get_lists_delete_unpins_and_refusals_have_their_statuses()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        await JoinRoomAsync(alice, "dev");
        await JoinRoomAsync(bob, "dev");
        var sent = await SendOkAsync(bob, "dev", "pin me over http", "b1");
        var msg = sent.Str("msg")!;
        var aliceToken = alice.Welcome.Str("token")!;
        var bobToken = bob.Welcome.Str("token")!;

        var (putStatus, put) = await SendAsync(http, HttpMethod.Put, $"/api/rooms/dev/pins/{msg}", aliceToken);
        Assert.Equal((HttpStatusCode.OK, "dev", msg, sent.Seq(), true), (putStatus, put!["room"]!.GetValue<string>(), put["msg"]!.GetValue<string>(), put["seq"]!.GetValue<long>(), put["pinned"]!.GetValue<bool>()));
        Assert.Equal("alice", (await bob.ReadUntilAsync(f => f.Type() == "pinned")).Str("by"));

        var (getStatus, list) = await SendAsync(http, HttpMethod.Get, "/api/rooms/dev/pins", bobToken);
        Assert.Equal(HttpStatusCode.OK, getStatus);
        var item = list!["pins"]!.AsArray().Single()!;
        Assert.Equal(("message", msg, "pin me over http", "alice"), (item["type"]!.GetValue<string>(), item["id"]!.GetValue<string>(), item["text"]!.GetValue<string>(), item["pinnedBy"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Delete, $"/api/rooms/dev/pins/{msg}", bobToken)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, HttpMethod.Put, "/api/rooms/lobby/pins/" + msg, aliceToken)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, HttpMethod.Get, "/api/rooms/nosuch/pins", aliceToken)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Get, "/api/rooms/dev/pins", "nope")).Status);

        var (deleteStatus, deleted) = await SendAsync(http, HttpMethod.Delete, $"/api/rooms/dev/pins/{msg}", aliceToken);
        Assert.Equal((HttpStatusCode.OK, false), (deleteStatus, deleted!["pinned"]!.GetValue<bool>()));
        Assert.Equal("unpinned", (await bob.ReadUntilAsync(f => f.Type() == "unpinned")).Type());
        Assert.Empty((await SendAsync(http, HttpMethod.Get, "/api/rooms/dev/pins", bobToken)).Body!["pins"]!.AsArray());

        // A private conversation by its id: either participant pins.
        var direct = await RequestAsync(alice, new { type = "send", to = "bob", text = "psst", id = "d" }, "d");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Put, $"/api/rooms/%40alice%2Cbob/pins/{direct.Str("msg")}", bobToken)).Status);
        Assert.Single((await SendAsync(http, HttpMethod.Get, "/api/rooms/%40alice%2Cbob/pins", aliceToken)).Body!["pins"]!.AsArray());
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
