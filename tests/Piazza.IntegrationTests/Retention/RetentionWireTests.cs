using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Piazza.Core.Storage;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.IntegrationTests.Rest;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Retention;

/// <summary>A room's retention and the history start over the wire (docs/retention.md): <c>room_set</c>, REST, and <c>firstSeq</c>.</summary>
public sealed class RetentionWireTests
{
    [Fact]
    public async Task The_owner_sets_a_rooms_retention_by_room_set_and_rest_others_are_forbidden_and_the_rooms_info_shows_it()
    {
        await using var server = await TestServer.StartAsync(("Hub:Retention:Days", "90"));
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var alice = await http.RegisterTokenAsync("alice");
        var bob = await http.RegisterTokenAsync("bob");
        Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Post, "/api/rooms", alice, new { room = "dev" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/members/me", bob)).Status);

        var (_, info, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/dev", bob);
        Assert.Equal((90, "server"), (info!["retentionDays"]!.GetValue<int>(), info["retentionSource"]!.GetValue<string>()));

        // The protocol: the owner sets it; a member is forbidden; out of range is bad_request.
        await using var owner = await server.LoginAsync("alice");
        var set = await RequestAsync(owner, new { type = "room_set", room = "dev", retentionDays = 30, id = "r1" }, "r1");
        Assert.Equal(("ok", 30, "room"), (set.Type(), set["retentionDays"]!.GetValue<int>(), set.Str("retentionSource")));
        await using var member = await server.LoginAsync("bob");
        var refused = await RequestAsync(member, new { type = "room_set", room = "dev", retentionDays = 1, id = "r2" }, "r2");
        Assert.Equal(("error", "forbidden"), (refused.Type(), refused.Str("code")));
        var tooLong = await RequestAsync(owner, new { type = "room_set", room = "dev", retentionDays = 99999, id = "r3" }, "r3");
        Assert.Equal(("error", "bad_request"), (tooLong.Type(), tooLong.Str("code")));
        (_, info, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/dev", bob);
        Assert.Equal((30, "room"), (info!["retentionDays"]!.GetValue<int>(), info["retentionSource"]!.GetValue<string>()));

        // REST: the same rule and the same words.
        var (forbidden, forbiddenBody, _) = await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/retention", bob, new { days = 1 });
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (forbidden, forbiddenBody.Code()));
        var (negative, negativeBody, _) = await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/retention", alice, new { days = -5 });
        Assert.Equal((HttpStatusCode.BadRequest, "bad_request"), (negative, negativeBody.Code()));
        var (kept, keptBody, _) = await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/retention", alice, new { days = 0 });
        Assert.Equal((HttpStatusCode.OK, 0, "room"), (kept, keptBody!["retentionDays"]!.GetValue<int>(), keptBody["retentionSource"]!.GetValue<string>()));
        var (cleared, clearedBody, _) = await http.CallAsync(HttpMethod.Delete, "/api/rooms/dev/retention", alice);
        Assert.Equal((HttpStatusCode.OK, 90, "server"), (cleared, clearedBody!["retentionDays"]!.GetValue<int>(), clearedBody["retentionSource"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/retention", null, new { days = 1 })).Status);
    }

    [Fact]
    public async Task History_over_the_protocol_and_rest_says_where_a_cut_conversation_begins()
    {
        // The server keeps everything; the room gets 1 day once the test has looked (so the job's run at start cuts nothing first).
        await using var server = await TestServer.StartAsync();
        var store = server.Services.GetRequiredService<IChatStore>();
        var old = DateTimeOffset.UtcNow.AddDays(-5);
        Assert.True(await store.TryCreateRoomAsync(new RoomRecord("attic", "attic", null, null, old)));
        await store.AppendAsync([
            new StoredMessage("attic", 1, "m1", "x", null, null, "dusty", old, null),
            new StoredMessage("attic", 2, "m2", "x", null, null, "dustier", old, null),
            new StoredMessage("attic", 3, "m3", "x", null, null, "fresh", DateTimeOffset.UtcNow, null),
        ]);
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var alice = await http.RegisterTokenAsync("alice");
        Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Put, "/api/rooms/attic/members/me", alice)).Status);
        var (_, before, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/attic/messages", alice);
        Assert.Null(before!["firstSeq"]);
        Assert.Equal(3, before["messages"]!.AsArray().Count);

        await store.SetRoomRetentionAsync("attic", 1);
        await server.Hub.ApplyRetentionAsync(); // the job may run too: either removes what is past retention once

        var (_, after, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/attic/messages", alice);
        Assert.Equal(3, after!["firstSeq"]!.GetValue<long>());
        Assert.Equal([3L], after["messages"]!.AsArray().Select(m => m!["seq"]!.GetValue<long>()));
        await using var client = await server.LoginAsync("alice");
        var history = await RequestAsync(client, new { type = "history", room = "attic", before = 3, id = "h" }, "h");
        Assert.Equal(3, history["firstSeq"]!.GetValue<long>());
        Assert.Empty(history["messages"]!.AsArray());
    }
}
