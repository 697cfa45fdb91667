using System.Net;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Rest;

/// <summary>Moderation over REST: the protocol's frames through the same pipeline, 403 <c>forbidden</c> without the role.</summary>
public sealed class RestModerationTests
{
    [Fact]
    public async Task A_rooms_owner_mutes_kicks_bans_and_makes_moderators_over_rest_and_others_are_refused()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        await using var owner = await server.RegisterAsync("owner");
        await JoinRoomAsync(owner, "dev");
        await using var bob = await server.RegisterAsync("bob");
        await JoinRoomAsync(bob, "dev");
        var carol = await http.RegisterTokenAsync("carol");
        Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/members/me", carol)).Status);
        var mod = owner.Token();

        // Without the role: forbidden, on every action.
        foreach (var (method, path) in new[] { (HttpMethod.Put, "/api/rooms/dev/mutes/bob"), (HttpMethod.Put, "/api/rooms/dev/bans/bob"), (HttpMethod.Put, "/api/rooms/dev/moderators/bob"), (HttpMethod.Put, "/api/bans/bob") })
        {
            var (status, body, _) = await http.CallAsync(method, path, carol);
            Assert.True((status, body.Code()) == (HttpStatusCode.Forbidden, "forbidden"), $"{method} {path}: {status} {body?.ToJsonString()}");
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await http.CallAsync(HttpMethod.Post, "/api/rooms/dev/kicks", carol, new { user = "bob" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/private", carol, new { @private = true })).Status);

        var (muted, mute, _) = await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/mutes/carol", mod, new { reason = "calm down", duration = 600 });
        Assert.Equal((HttpStatusCode.OK, "dev", "carol"), (muted, mute!["room"]!.GetValue<string>(), mute["user"]!.GetValue<string>()));
        Assert.NotNull(mute["until"]);
        var (silenced, silencedBody, _) = await http.CallAsync(HttpMethod.Post, "/api/rooms/dev/messages", carol, new { text = "hey" });
        Assert.Equal((HttpStatusCode.Forbidden, "muted"), (silenced, silencedBody.Code()));
        Assert.Equal(HttpStatusCode.NoContent, (await http.CallAsync(HttpMethod.Delete, "/api/rooms/dev/mutes/carol", mod)).Status);
        Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Post, "/api/rooms/dev/messages", carol, new { text = "hey" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/mutes/carol", mod, new { duration = -5 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/mutes/carol", mod, new { until = "soon" })).Status);

        var (kicked, _, _) = await http.CallAsync(HttpMethod.Post, "/api/rooms/dev/kicks", mod, new { user = "bob", reason = "out" });
        Assert.Equal(HttpStatusCode.OK, kicked);
        var left = await bob.ReadUntilAsync(f => f.Type() == "left" && f.Str("user") == "bob");
        Assert.Equal(("kicked", "owner"), (left.Str("reason"), left.Str("by")));

        Assert.Equal(HttpStatusCode.OK, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/bans/carol", mod)).Status);
        var (banned, bannedBody, _) = await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/members/me", carol);
        Assert.Equal((HttpStatusCode.Forbidden, "banned"), (banned, bannedBody.Code()));
        Assert.Equal(HttpStatusCode.NoContent, (await http.CallAsync(HttpMethod.Delete, "/api/rooms/dev/bans/carol", mod)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.CallAsync(HttpMethod.Delete, "/api/rooms/dev/bans/carol", mod)).Status); // not_banned
        Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/members/me", carol)).Status);

        // A moderator made over REST may kick; taken back, may not.
        Assert.Equal(HttpStatusCode.NoContent, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/moderators/carol", mod)).Status);
        await JoinRoomAsync(bob, "dev");
        Assert.Equal(HttpStatusCode.OK, (await http.CallAsync(HttpMethod.Post, "/api/rooms/dev/kicks", carol, new { user = "bob" })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await http.CallAsync(HttpMethod.Delete, "/api/rooms/dev/moderators/carol", mod)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/mutes/owner", carol)).Status);

        var (made, madeBody, _) = await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/private", mod, new { @private = true });
        Assert.Equal((HttpStatusCode.OK, true), (made, madeBody!["private"]!.GetValue<bool>()));
        await owner.ReadUntilAsync(f => f.Type() == "room_set" && f["private"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.CallAsync(HttpMethod.Put, "/api/rooms/dev/private", mod, new { })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.CallAsync(HttpMethod.Put, "/api/rooms/nowhere/mutes/bob", mod)).Status);
    }
}
