using System.Net;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Rest;

/// <summary>Private rooms and invitations over REST: a non-member learns nothing through any route; an invitation lets one join.</summary>
public sealed class RestPrivateRoomTests
{
    [Fact]
    public async Task A_private_room_is_missing_to_a_non_member_on_every_route_until_an_invitation_lets_her_join()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var owner = await http.RegisterTokenAsync("owner");
        var carol = await http.RegisterTokenAsync("carol");
        var dave = await http.RegisterTokenAsync("dave");

        var (created, info, _) = await http.CallAsync(HttpMethod.Post, "/api/rooms", owner, new { room = "ops", @private = true });
        Assert.Equal((HttpStatusCode.Created, true), (created, info!["private"]!.GetValue<bool>()));
        var (_, sent, _) = await http.CallAsync(HttpMethod.Post, "/api/rooms/ops/messages", owner, new { text = "secret" });
        var secret = sent!["msg"]!.GetValue<string>();

        (HttpMethod Method, string Path, object? Body)[] hidden =
        [
            (HttpMethod.Get, "/api/rooms/ops", null), (HttpMethod.Get, "/api/rooms/ops/members", null), (HttpMethod.Get, "/api/rooms/ops/messages", null),
            (HttpMethod.Put, "/api/rooms/ops/members/me", null), (HttpMethod.Delete, "/api/rooms/ops/members/me", null),
            (HttpMethod.Put, "/api/rooms/ops/topic", new { topic = "x" }), (HttpMethod.Put, "/api/rooms/ops/read", new { seq = 1 }),
            (HttpMethod.Put, "/api/rooms/ops/invitations/dave", null), (HttpMethod.Put, "/api/rooms/ops/bans/owner", null),
            (HttpMethod.Put, "/api/rooms/ops/private", new { @private = false }),
        ];
        foreach (var (method, path, body) in hidden)
        {
            var (status, error, _) = await http.CallAsync(method, path, carol, body);
            Assert.True((status, error.Code()) == (HttpStatusCode.NotFound, "no_such_room"), $"{method} {path}: {status} {error?.ToJsonString()}");
        }

        var (deleted, deleteError, _) = await http.CallAsync(HttpMethod.Delete, $"/api/messages/{secret}", carol);
        Assert.Equal((HttpStatusCode.NotFound, "no_such_message"), (deleted, deleteError.Code()));
        var (taken, _, _) = await http.CallAsync(HttpMethod.Post, "/api/rooms", carol, new { room = "ops" });
        Assert.Equal(HttpStatusCode.NotFound, taken); // the protocol's join of a hidden room: a missing room, not "taken"

        Assert.Empty((await http.CallAsync(HttpMethod.Get, "/api/invitations", carol)).Body!.AsArray());
        var (invited, invitedBody, _) = await http.CallAsync(HttpMethod.Put, "/api/rooms/ops/invitations/carol", owner);
        Assert.Equal((HttpStatusCode.OK, "ops", "carol"), (invited, invitedBody!["room"]!.GetValue<string>(), invitedBody["user"]!.GetValue<string>()));
        var (_, mine, _) = await http.CallAsync(HttpMethod.Get, "/api/invitations", carol);
        var invitation = Assert.Single(mine!.AsArray())!;
        Assert.Equal(("ops", "owner"), (invitation["room"]!.GetValue<string>(), invitation["by"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await http.CallAsync(HttpMethod.Get, "/api/rooms/ops", carol)).Status); // invited is not yet a member

        Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Put, "/api/rooms/ops/members/me", carol)).Status);
        Assert.Empty((await http.CallAsync(HttpMethod.Get, "/api/invitations", carol)).Body!.AsArray()); // used up
        var (_, history, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/ops/messages", carol);
        Assert.Equal("secret", history!["messages"]![0]!["text"]!.GetValue<string>());

        // A member who is not a moderator may not invite (the server's default), and an uninvite takes one back.
        var (notAllowed, notAllowedBody, _) = await http.CallAsync(HttpMethod.Put, "/api/rooms/ops/invitations/dave", carol);
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (notAllowed, notAllowedBody.Code()));
        Assert.Equal(HttpStatusCode.OK, (await http.CallAsync(HttpMethod.Put, "/api/rooms/ops/invitations/dave", owner)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await http.CallAsync(HttpMethod.Delete, "/api/rooms/ops/invitations/dave", owner)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.CallAsync(HttpMethod.Put, "/api/rooms/ops/members/me", dave)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.CallAsync(HttpMethod.Put, "/api/rooms/ops/invitations/ghost42", owner)).Status);
    }

    [Fact]
    public async Task An_invitation_over_rest_is_told_to_the_invitees_live_connection()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var owner = await http.RegisterTokenAsync("owner");
        await using var bob = await server.RegisterAsync("bob");
        Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Post, "/api/rooms", owner, new { room = "ops", @private = true })).Status);

        Assert.Equal(HttpStatusCode.OK, (await http.CallAsync(HttpMethod.Put, "/api/rooms/ops/invitations/bob", owner)).Status);
        var told = await bob.ReadUntilAsync(f => f.Type() == "invited");
        Assert.Equal(("ops", "owner"), (told.Str("room"), told.Str("by")));
        await JoinRoomAsync(bob, "ops");
    }
}
