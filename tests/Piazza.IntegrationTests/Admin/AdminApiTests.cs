using System.Net;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.IntegrationTests.Rest;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Admin;

/// <summary>The admin API with an admin's token: each endpoint works, says what it did, and is in the audit log.</summary>
public sealed class AdminApiTests : HttpServerTest
{
    [Fact]
    public async Task Online_users_are_listed_with_door_address_since_and_rooms_in_pages_and_the_listing_is_audited()
    {
        var admin = await Server.AdminTokenAsync(Http);
        await using var bob = await Server.RegisterAsync("bob");
        await JoinRoomAsync(bob, "dev");
        await using var webBob = await Server.RegisterOverWebSocketAsync("carol");
        await using var guest = await Server.GuestAsync("zed");

        var (status, body, link) = await Http.CallAsync(HttpMethod.Get, "/api/admin/users", admin);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(link);
        var users = body!.AsArray().Select(u => u!.AsObject()).ToList();
        Assert.Equal(["bob", "carol", "zed"], users.Select(u => u.Str("user")));
        var bobEntry = users[0];
        Assert.Equal(["dev", "lobby"], bobEntry["rooms"]!.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal));
        var session = bobEntry["sessions"]!.AsArray().Single()!.AsObject();
        Assert.Equal(("127.0.0.1", Server.Hub.NodeId), (session.Str("address"), session.Str("node")));
        Assert.NotNull(session.Str("door"));
        Assert.True(DateTimeOffset.Parse(session.Str("since")!, System.Globalization.CultureInfo.InvariantCulture) <= DateTimeOffset.UtcNow);
        Assert.NotEqual(session.Str("door"), users[1]["sessions"]!.AsArray().Single()!["door"]!.GetValue<string>()); // TCP and WebSocket differ
        Assert.True(users[2]["guest"]!.GetValue<bool>());

        // Pages of one: the Link header carries the next page's cursor; the last page has none.
        var (_, first, firstLink) = await Http.CallAsync(HttpMethod.Get, "/api/admin/users?limit=1", admin);
        Assert.Equal("bob", first![0]!["user"]!.GetValue<string>());
        Assert.Equal("</api/admin/users?cursor=bob&limit=1>; rel=\"next\"", firstLink);
        var (_, second, _) = await Http.CallAsync(HttpMethod.Get, "/api/admin/users?cursor=bob&limit=1", admin);
        Assert.Equal("carol", second![0]!["user"]!.GetValue<string>());
        var (_, last, lastLink) = await Http.CallAsync(HttpMethod.Get, "/api/admin/users?cursor=carol&limit=5", admin);
        Assert.Equal(("zed", null), (last![0]!["user"]!.GetValue<string>(), lastLink));
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.CallAsync(HttpMethod.Get, "/api/admin/users?limit=0", admin)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.CallAsync(HttpMethod.Get, "/api/admin/users?cursor=%20bad%20", admin)).Status);

        Assert.Contains(await Http.AuditAsync(admin), e => e.Says("boss", "users"));
    }

    [Fact]
    public async Task An_admin_kicks_bans_and_unbans_users_and_addresses_through_the_moderation_pipeline_each_audited()
    {
        var admin = await Server.AdminTokenAsync(Http);
        await using var bob = await Server.RegisterAsync("bob");
        var carol = await Http.RegisterTokenAsync("carol");

        var (kicked, kick, _) = await Http.CallAsync(HttpMethod.Post, "/api/admin/users/bob/kick", admin, new { reason = "cool off" });
        Assert.Equal((HttpStatusCode.OK, "bob"), (kicked, kick!["user"]!.GetValue<string>()));
        await bob.ReadUntilAsync(f => f.Type() == "kicked" || (f.Type() == "error" && f.Str("code") == "kicked") || f.Type() == "left");
        Assert.True(await bob.WaitForCloseAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.CallAsync(HttpMethod.Post, "/api/admin/users/bob/kick", admin)).Status); // not online now

        var (banned, ban, _) = await Http.CallAsync(HttpMethod.Put, "/api/admin/bans/carol", admin, new { reason = "spam", duration = 3600 });
        Assert.Equal((HttpStatusCode.OK, "carol"), (banned, ban!["user"]!.GetValue<string>()));
        Assert.NotNull(ban["until"]);
        var (refused, refusal, _) = await Http.CallAsync(HttpMethod.Get, "/api/me", carol);
        Assert.Equal((HttpStatusCode.Forbidden, "banned"), (refused, refusal.Code()));
        Assert.Equal(HttpStatusCode.NoContent, (await Http.CallAsync(HttpMethod.Delete, "/api/admin/bans/carol", admin)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.CallAsync(HttpMethod.Get, "/api/me", carol)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.CallAsync(HttpMethod.Delete, "/api/admin/bans/carol", admin)).Status); // not_banned

        var (addressBanned, addressBan, _) = await Http.CallAsync(HttpMethod.Put, "/api/admin/address-bans/10.9.8.7", admin, new { reason = "botnet" });
        Assert.Equal((HttpStatusCode.OK, "10.9.8.7"), (addressBanned, addressBan!["address"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.CallAsync(HttpMethod.Put, "/api/admin/address-bans/not-an-address", admin)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.CallAsync(HttpMethod.Delete, "/api/admin/address-bans/10.9.8.7", admin)).Status);

        // Admins cannot act on admins, as with the moderation routes.
        Assert.True((await Server.Hub.GrantAdminAsync("deputy", Password)).Succeeded);
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.CallAsync(HttpMethod.Put, "/api/admin/bans/deputy", admin)).Status);

        var audit = await Http.AuditAsync(admin);
        Assert.Contains(audit, e => e.Says("boss", "kick", "bob") && e.Str("reason") == "cool off");
        Assert.Contains(audit, e => e.Says("boss", "ban", "carol") && e.Str("reason") == "spam");
        Assert.Contains(audit, e => e.Says("boss", "unban", "carol"));
        Assert.Contains(audit, e => e.Says("boss", "ban", "10.9.8.7") && e.Str("reason") == "botnet");
    }

    [Fact]
    public async Task Admins_list_every_room_private_ones_included_and_set_an_owner_while_users_never_see_a_private_room_they_are_not_in()
    {
        var admin = await Server.AdminTokenAsync(Http);
        var bob = await Http.RegisterTokenAsync("bob");
        var carol = await Http.RegisterTokenAsync("carol");
        Assert.Equal(HttpStatusCode.Created, (await Http.CallAsync(HttpMethod.Post, "/api/rooms", bob, new { room = "secret", @private = true })).Status);
        Assert.Equal(HttpStatusCode.Created, (await Http.CallAsync(HttpMethod.Post, "/api/rooms", carol, new { room = "dev" })).Status);

        var (status, body, _) = await Http.CallAsync(HttpMethod.Get, "/api/admin/rooms", admin);
        Assert.Equal(HttpStatusCode.OK, status);
        var rooms = body!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(["dev", "lobby", "secret"], rooms.Select(r => r.Str("room")));
        var secret = rooms[2];
        Assert.Equal(("bob", true, 1), (secret.Str("owner"), secret["private"]!.GetValue<bool>(), secret["members"]!.GetValue<int>()));
        var (_, page, pageLink) = await Http.CallAsync(HttpMethod.Get, "/api/admin/rooms?limit=2", admin);
        Assert.Equal(2, page!.AsArray().Count);
        Assert.Equal("</api/admin/rooms?cursor=lobby&limit=2>; rel=\"next\"", pageLink);

        // The user's own listing never shows the private room, and she may not enter it.
        var (_, carolsRooms, _) = await Http.CallAsync(HttpMethod.Get, "/api/rooms", carol);
        Assert.DoesNotContain(carolsRooms!.AsArray(), r => r!["room"]!.GetValue<string>() == "secret");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.CallAsync(HttpMethod.Put, "/api/rooms/secret/members/me", carol)).Status);

        var (set, owner, _) = await Http.CallAsync(HttpMethod.Put, "/api/admin/rooms/secret/owner", admin, new { owner = "carol", reason = "bob left" });
        Assert.Equal((HttpStatusCode.OK, "secret", "carol"), (set, owner!["room"]!.GetValue<string>(), owner["owner"]!.GetValue<string>()));
        var (_, info, _) = await Http.CallAsync(HttpMethod.Get, "/api/rooms/secret", admin);
        Assert.Equal("carol", info!["owner"]!.GetValue<string>());

        // The new owner is one: she may enter the private room without an invitation now, and set it public.
        Assert.Equal(HttpStatusCode.Created, (await Http.CallAsync(HttpMethod.Put, "/api/rooms/secret/members/me", carol)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.CallAsync(HttpMethod.Put, "/api/rooms/secret/private", carol, new { @private = false })).Status);

        Assert.Equal(HttpStatusCode.NotFound, (await Http.CallAsync(HttpMethod.Put, "/api/admin/rooms/nowhere/owner", admin, new { owner = "carol" })).Status);
        var (_, noUser, _) = await Http.CallAsync(HttpMethod.Put, "/api/admin/rooms/dev/owner", admin, new { owner = "ghost" });
        Assert.Equal("no_such_user", noUser.Code());
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.CallAsync(HttpMethod.Put, "/api/admin/rooms/dev/owner", admin, new { })).Status);

        var audit = await Http.AuditAsync(admin);
        Assert.Contains(audit, e => e.Says("boss", "rooms"));
        Assert.Contains(audit, e => e.Says("boss", "owner", "carol") && e.Str("room") == "secret" && e.Str("reason") == "bob left" && e.Str("detail") == "was bob");
    }

    [Fact]
    public async Task An_admin_deletes_a_message_in_any_room_but_never_one_of_another_pairs_private_conversation()
    {
        var admin = await Server.AdminTokenAsync(Http);
        await using var bob = await Server.RegisterAsync("bob");
        await JoinRoomAsync(bob, "dev");
        await using var carol = await Server.RegisterAsync("carol");
        var inRoom = (await SendOkAsync(bob, "dev", "delete me", "s1")).Str("msg");
        var direct = await RequestAsync(bob, new { type = "send", to = "carol", text = "just us", id = "s2" }, "s2");
        AssertOk(direct);

        var (status, body, _) = await Http.CallAsync(HttpMethod.Delete, $"/api/admin/messages/{inRoom}", admin);
        Assert.Equal((HttpStatusCode.OK, "dev", inRoom), (status, body!["room"]!.GetValue<string>(), body["msg"]!.GetValue<string>()));
        var deleted = await bob.ReadUntilAsync(f => f.Type() == "deleted");
        Assert.Equal(("boss", inRoom), (deleted.Str("by"), deleted.Str("msg")));

        // Privacy: a private conversation of others is answered as a missing message, alike.
        var (hidden, hiddenBody, _) = await Http.CallAsync(HttpMethod.Delete, $"/api/admin/messages/{direct.Str("msg")}", admin);
        Assert.Equal((HttpStatusCode.NotFound, "no_such_message"), (hidden, hiddenBody.Code()));
        var (missing, missingBody, _) = await Http.CallAsync(HttpMethod.Delete, "/api/admin/messages/nothing-here", admin);
        Assert.Equal((HttpStatusCode.NotFound, "no_such_message"), (missing, missingBody.Code()));

        Assert.Contains(await Http.AuditAsync(admin), e => e.Says("boss", "delete", "bob") && e.Str("room") == "dev");
    }

    [Fact]
    public async Task An_announcement_reaches_the_lobby_from_server_and_is_audited_with_its_text_and_bad_text_is_refused()
    {
        var admin = await Server.AdminTokenAsync(Http);
        await using var bob = await Server.RegisterAsync("bob");

        var (status, body, _) = await Http.CallAsync(HttpMethod.Post, "/api/admin/announcements", admin, new { text = "maintenance at 18:00" });
        Assert.Equal((HttpStatusCode.Created, "lobby"), (status, body!["room"]!.GetValue<string>()));
        var message = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "maintenance at 18:00");
        Assert.Equal(("server", body["msg"]!.GetValue<string>()), (message.Str("from"), message.Str("id")));

        Assert.Equal(HttpStatusCode.BadRequest, (await Http.CallAsync(HttpMethod.Post, "/api/admin/announcements", admin, new { text = "  " })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.CallAsync(HttpMethod.Post, "/api/admin/announcements", admin, new { text = "bell\u0007" })).Status);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Http.CallAsync(HttpMethod.Post, "/api/admin/announcements", admin, new { text = new string('x', 4001) })).Status);

        Assert.Contains(await Http.AuditAsync(admin), e => e.Says("boss", "announce") && e.Str("detail") == "maintenance at 18:00" && e.Str("room") == "lobby");
    }

    [Fact]
    public async Task The_audit_log_reads_in_pages_newest_first_with_the_next_page_in_a_link_header()
    {
        var admin = await Server.AdminTokenAsync(Http);
        foreach (var name in new[] { "u1", "u2", "u3" })
        {
            await Http.RegisterTokenAsync(name);
            Assert.Equal(HttpStatusCode.OK, (await Http.CallAsync(HttpMethod.Put, $"/api/admin/users/{name}/disabled", admin)).Status);
        }

        var (status, body, link) = await Http.CallAsync(HttpMethod.Get, "/api/admin/audit?limit=2", admin);
        Assert.Equal(HttpStatusCode.OK, status);
        var first = body!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(["u3", "u2"], first.Select(e => e.Str("target")));
        Assert.True(first[0]["id"]!.GetValue<long>() > first[1]["id"]!.GetValue<long>());
        var cursor = first[1]["id"]!.GetValue<long>();
        Assert.Equal($"</api/admin/audit?cursor={cursor}&limit=2>; rel=\"next\"", link);

        var (_, next, _) = await Http.CallAsync(HttpMethod.Get, $"/api/admin/audit?cursor={cursor}&limit=2", admin);
        var second = next!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal("u1", second[0].Str("target"));
        Assert.True(second[0]["id"]!.GetValue<long>() < cursor);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.CallAsync(HttpMethod.Get, "/api/admin/audit?cursor=abc", admin)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.CallAsync(HttpMethod.Get, "/api/admin/audit?limit=501", admin)).Status);

        // Reading the log is itself in it.
        var newest = (await Http.CallAsync(HttpMethod.Get, "/api/admin/audit?limit=1", admin)).Body!.AsArray().Single()!.AsObject();
        Assert.True(newest.Says("boss", "audit"), newest.ToJsonString());
    }
}
