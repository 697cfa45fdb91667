using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>Moderation over the native door: roles, kick, ban (account, address, expiry), mute, op, topic lock, delete, audit.</summary>
public class ModerationTests
{
    /// <summary>A server whose first registered account becomes admin.</summary>
    private static Task<TestServer> StartWithFirstAdminAsync() => TestServer.StartAsync(new TestServerOptions { FirstUserIsAdmin = true });

    [Fact]
    public async Task A_normal_user_cannot_kick_ban_mute_op_or_delete_others()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await JoinRoomAsync(alice, "dev");
        await using var bob = await server.RegisterAsync("bob");
        await JoinRoomAsync(bob, "dev");
        var sent = await SendOkAsync(alice, "dev", "mine", "s1");

        AssertError(await RequestAsync(bob, new { type = "kick", room = "dev", user = "alice", id = "k" }, "k"), "forbidden");
        AssertError(await RequestAsync(bob, new { type = "kick", user = "alice", id = "k2" }, "k2"), "forbidden");
        AssertError(await RequestAsync(bob, new { type = "ban", room = "dev", user = "alice", reason = "x", id = "b" }, "b"), "forbidden");
        AssertError(await RequestAsync(bob, new { type = "ban", user = "alice", id = "b2" }, "b2"), "forbidden");
        AssertError(await RequestAsync(bob, new { type = "ban", address = "10.0.0.1", id = "b3" }, "b3"), "forbidden");
        AssertError(await RequestAsync(bob, new { type = "mute", room = "dev", user = "alice", id = "m" }, "m"), "forbidden");
        AssertError(await RequestAsync(bob, new { type = "op", room = "dev", user = "bob", id = "o" }, "o"), "forbidden");
        AssertError(await RequestAsync(bob, new { type = "topic", room = "dev", @lock = false, id = "l" }, "l"), "forbidden");
        AssertError(await RequestAsync(bob, new { type = "delete", room = "dev", msg = sent.Str("msg"), id = "d" }, "d"), "forbidden");

        // Nothing happened: alice is still in the room and her message still reads the same.
        var history = await RequestAsync(alice, new { type = "history", room = "dev", id = "h" }, "h");
        Assert.Equal(["mine"], Texts(history));
        var who = await RequestAsync(bob, new { type = "who", room = "dev", id = "w" }, "w");
        Assert.Contains("alice", Names(who["users"]!.AsArray()));
    }

    [Fact]
    public async Task The_owner_makes_a_moderator_who_can_then_kick_and_mute_but_not_the_owner()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await JoinRoomAsync(alice, "dev");
        await using var bob = await server.RegisterAsync("bob");
        await JoinRoomAsync(bob, "dev");
        await using var carol = await server.GuestAsync("carol");
        await JoinRoomAsync(carol, "dev");

        AssertError(await RequestAsync(bob, new { type = "kick", room = "dev", user = "carol", id = "k0" }, "k0"), "forbidden");
        AssertOk(await RequestAsync(alice, new { type = "op", room = "dev", user = "bob", id = "o" }, "o"));
        var role = await carol.ReadUntilAsync(f => f.Type() == "role");
        Assert.Equal(("dev", "bob", "moderator", "alice"), (role.Str("room"), role.Str("user"), role.Str("role"), role.Str("by")));

        // Kick: carol hears why and by whom, and is out of the room (but may come back).
        AssertOk(await RequestAsync(bob, new { type = "kick", room = "dev", user = "carol", reason = "calm down", id = "k" }, "k"));
        var left = await carol.ReadUntilAsync(f => f.Type() == "left" && f.Str("user") == "carol");
        Assert.Equal(("dev", "kicked", "calm down", "bob"), (left.Str("room"), left.Str("reason"), left.Str("message"), left.Str("by")));
        Assert.Null(left.Str("scope")); // a room kick, not a server-wide one
        AssertError(await RequestAsync(carol, new { type = "send", room = "dev", text = "hey", id = "s0" }, "s0"), "not_in_room");
        await JoinRoomAsync(carol, "dev", "j2");

        // Mute: refused in that room only, with a clear error; the room hears it.
        AssertOk(await RequestAsync(bob, new { type = "mute", room = "dev", user = "carol", reason = "spam", id = "m" }, "m"));
        var muted = await alice.ReadUntilAsync(f => f.Type() == "muted");
        Assert.Equal(("carol", "bob", "spam"), (muted.Str("user"), muted.Str("by"), muted.Str("reason")));
        var refused = await RequestAsync(carol, new { type = "send", room = "dev", text = "spam!", id = "s1" }, "s1");
        AssertError(refused, "muted");
        Assert.Contains("spam", refused.Str("message"), StringComparison.Ordinal);
        await SendOkAsync(carol, "lobby", "still here", "s2");
        AssertOk(await RequestAsync(bob, new { type = "unmute", room = "dev", user = "carol", id = "u" }, "u"));
        await SendOkAsync(carol, "dev", "sorry", "s3");

        // A moderator does not outrank the owner, and loses the role with deop.
        AssertError(await RequestAsync(bob, new { type = "kick", room = "dev", user = "alice", id = "k2" }, "k2"), "forbidden");
        AssertOk(await RequestAsync(alice, new { type = "deop", room = "dev", user = "bob", id = "d" }, "d"));
        AssertError(await RequestAsync(bob, new { type = "mute", room = "dev", user = "carol", id = "m2" }, "m2"), "forbidden");

        // The role is stored: a later joiner sees the moderators in the room state.
        AssertOk(await RequestAsync(alice, new { type = "op", room = "dev", user = "bob", id = "o2" }, "o2"));
        await using var dave = await server.GuestAsync("dave");
        var (before, _) = await JoinRoomAsync(dave, "dev");
        var state = before.Single(f => f.Type() == "room");
        Assert.Equal(["bob"], state["moderators"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.True(state["locked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_room_ban_removes_the_user_and_refuses_rejoining_until_lifted_and_survives_a_restart()
    {
        var server = await TestServer.StartAsync();
        var data = server.DataDirectory;
        try
        {
            var alice = await server.RegisterAsync("alice");
            await JoinRoomAsync(alice, "dev");
            var bob = await server.RegisterAsync("bob");
            await using (bob)
            {
                await JoinRoomAsync(bob, "dev");
                // The room hears bob leave before alice's ok: the hub removes him before it answers.
                var beforeOk = new List<JsonObject>();
                var ok = await RequestAsync(alice, new { type = "ban", room = "dev", user = "bob", reason = "trolling", duration = 3600, id = "b" }, "b", beforeOk);
                AssertOk(ok);
                Assert.NotNull(ok.Str("until"));
                var banned = await bob.ReadUntilAsync(f => f.Type() == "banned");
                Assert.Equal(("dev", "alice", "trolling"), (banned.Str("room"), banned.Str("by"), banned.Str("reason")));
                var left = beforeOk.Single(f => f.Type() == "left" && f.Str("user") == "bob");
                Assert.Equal(("banned", "trolling", "alice"), (left.Str("reason"), left.Str("message"), left.Str("by")));
                var refused = await RequestAsync(bob, new { type = "join", room = "dev", id = "j" }, "j");
                AssertError(refused, "banned");
                Assert.True(refused["retryAfter"]!.GetValue<double>() > 3000);
            }

            await alice.DisposeAsync();
            await server.StopKeepingDataAsync();
            server = await TestServer.StartInAsync(data);

            // After the restart bob is not a member any more, and joining is still refused.
            await using var bob2 = await server.LoginAsync("bob");
            var welcome = bob2.Welcome;
            Assert.DoesNotContain("dev", welcome["rooms"]!.AsArray().Select(r => r!["room"]!.GetValue<string>()));
            AssertError(await RequestAsync(bob2, new { type = "join", room = "dev", id = "j" }, "j"), "banned");

            await using var alice2 = await server.LoginAsync("alice");
            AssertOk(await RequestAsync(alice2, new { type = "unban", room = "dev", user = "bob", id = "u" }, "u"));
            AssertError(await RequestAsync(alice2, new { type = "unban", room = "dev", user = "bob", id = "u2" }, "u2"), "not_banned");
            await JoinRoomAsync(bob2, "dev", "j2");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_admin_server_bans_an_account_which_cannot_log_in_again_even_after_a_restart()
    {
        var server = await StartWithFirstAdminAsync();
        var data = server.DataDirectory;
        try
        {
            var boss = await server.RegisterAsync("boss");
            await using (boss)
            {
                await using var bob = await server.RegisterAsync("bob");
                await using var watcher = await server.GuestAsync("watcher");

                AssertOk(await RequestAsync(boss, new { type = "ban", user = "bob", reason = "spam bot", id = "b" }, "b"));
                var banned = await bob.ReadUntilAsync(f => f.Type() == "banned");
                Assert.Equal(("boss", "spam bot"), (banned.Str("by"), banned.Str("reason")));
                Assert.Null(banned["room"]);
                Assert.True(await bob.WaitForCloseAsync());
                var left = await watcher.ReadUntilAsync(f => f.Type() == "left" && f.Str("user") == "bob");
                Assert.Equal("banned", left.Str("reason"));

                await using var again = await RawClient.ConnectAsync(server.Port);
                var refused = await FirstAnswerAsync(again, new { type = "hello", user = "bob", password = Password });
                AssertError(refused, "banned");
                Assert.Contains("spam bot", refused.Str("message"), StringComparison.Ordinal);

                // Admins are not banned by other admins.
                AssertError(await RequestAsync(boss, new { type = "ban", user = "boss", id = "b2" }, "b2"), "forbidden");
            }

            await server.StopKeepingDataAsync();
            server = await TestServer.StartInAsync(data);
            await using (var again = await RawClient.ConnectAsync(server.Port))
            {
                AssertError(await FirstAnswerAsync(again, new { type = "hello", user = "bob", password = Password }), "banned");
            }

            await using var boss2 = await server.LoginAsync("boss");
            AssertOk(await RequestAsync(boss2, new { type = "unban", user = "bob", id = "u" }, "u"));
            var bob2 = await server.LoginAsync("bob");
            await bob2.DisposeAsync();
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_address_ban_refuses_new_connections_from_that_address_but_not_the_admin()
    {
        await using var server = await StartWithFirstAdminAsync();
        await using var boss = await server.RegisterAsync("boss");
        await using var guest = await server.GuestAsync("guest");

        AssertError(await RequestAsync(boss, new { type = "ban", address = "not-an-ip", id = "b0" }, "b0"), "bad_request");
        var ok = await RequestAsync(boss, new { type = "ban", address = "127.0.0.1", reason = "flood", duration = 600, id = "b" }, "b");
        AssertOk(ok);
        Assert.Equal("127.0.0.1", ok.Str("address"));

        // The guest on that address is told and disconnected; the admin (exempt) stays.
        Assert.Equal("banned", (await guest.ReadUntilAsync(f => f.Type() == "banned")).Type());
        Assert.True(await guest.WaitForCloseAsync());
        Assert.Equal("pong", (await RequestAsync(boss, new { type = "ping", id = "p" }, "p")).Type());

        await using (var fresh = await RawClient.ConnectAsync(server.Port))
        {
            var refused = await FirstAnswerAsync(fresh, new { type = "hello", user = "newcomer" });
            AssertError(refused, "banned");
            Assert.Contains("flood", refused.Str("message"), StringComparison.Ordinal);
        }

        await using (var register = await RawClient.ConnectAsync(server.Port))
        {
            AssertError(await FirstAnswerAsync(register, new { type = "register", user = "sneaky", password = Password }), "banned");
        }

        await using var boss2 = await server.LoginAsync("boss");
        AssertOk(await RequestAsync(boss2, new { type = "unban", address = "127.0.0.1", id = "u" }, "u"));
        var back = await server.GuestAsync("newcomer");
        await back.DisposeAsync();
    }

    [Fact]
    public async Task A_room_owner_cannot_delete_an_admin_s_message_but_can_delete_a_member_s()
    {
        await using var server = await StartWithFirstAdminAsync();
        await using var boss = await server.RegisterAsync("boss");
        await using var owner = await server.RegisterAsync("owner");
        await using var member = await server.RegisterAsync("member");
        await JoinRoomAsync(owner, "den");
        await JoinRoomAsync(boss, "den");
        await JoinRoomAsync(member, "den");
        var fromAdmin = await SendOkAsync(boss, "den", "house rules", "a1");
        var fromMember = await SendOkAsync(member, "den", "spam", "m1");

        AssertError(await RequestAsync(owner, new { type = "delete", room = "den", msg = fromAdmin.Str("msg"), id = "d1" }, "d1"), "forbidden");
        AssertOk(await RequestAsync(owner, new { type = "delete", room = "den", msg = fromMember.Str("msg"), id = "d2" }, "d2"));
        var deleted = await boss.ReadUntilAsync(f => f.Type() == "deleted");
        Assert.Equal(fromMember.Str("msg"), deleted.Str("msg"));
    }

    [Fact]
    public async Task A_deleted_message_is_announced_and_history_shows_it_without_text_even_after_a_restart()
    {
        var server = await StartWithFirstAdminAsync();
        var data = server.DataDirectory;
        try
        {
            var boss = await server.RegisterAsync("boss");
            var alice = await server.RegisterAsync("alice");
            var bob = await server.RegisterAsync("bob");
            await SendOkAsync(alice, "lobby", "first", "s0");
            var mine = await SendOkAsync(alice, "lobby", "oops, my password", "s1");
            var others = await SendOkAsync(bob, "lobby", "rude words", "s2");

            // An author deletes their own message; everyone, the author included, hears it.
            var deletedOk = await RequestAsync(alice, new { type = "delete", room = "lobby", msg = mine.Str("msg"), id = "d" }, "d");
            AssertOk(deletedOk);
            foreach (var client in new[] { bob, boss })
            {
                var deleted = await client.ReadUntilAsync(f => f.Type() == "deleted");
                Assert.Equal(("lobby", mine.Str("msg"), mine.Seq(), "alice"), (deleted.Str("room"), deleted.Str("msg"), deleted.Seq(), deleted.Str("by")));
            }

            // Others' messages: forbidden to a member, allowed to an admin.
            AssertError(await RequestAsync(alice, new { type = "delete", msg = others.Str("msg"), id = "d2" }, "d2"), "forbidden");
            AssertError(await RequestAsync(alice, new { type = "delete", msg = "0123456789abcdef", id = "d3" }, "d3"), "no_such_message");
            AssertOk(await RequestAsync(boss, new { type = "delete", msg = others.Str("msg"), id = "d4" }, "d4"));
            await alice.ReadUntilAsync(f => f.Type() == "deleted" && f.Str("msg") == others.Str("msg"));

            var history = await RequestAsync(bob, new { type = "history", room = "lobby", id = "h" }, "h");
            AssertDeletedHistory(history, mine.Str("msg")!, others.Str("msg")!);

            // A newcomer attaching from memory sees the same.
            var carol = await server.RegisterAsync("carol");
            var (_, entry) = await ReadEntryAsync(carol, "lobby");
            AssertDeletedHistory(entry, mine.Str("msg")!, others.Str("msg")!);
            foreach (var client in new[] { boss, alice, bob, carol })
            {
                await client.DisposeAsync();
            }

            await server.StopKeepingDataAsync();
            server = await TestServer.StartInAsync(data);
            await using var dave = await server.RegisterAsync("dave");
            var (_, restarted) = await ReadEntryAsync(dave, "lobby");
            AssertDeletedHistory(restarted, mine.Str("msg")!, others.Str("msg")!);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static void AssertDeletedHistory(JsonObject history, string first, string second)
    {
        var messages = history["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
        Assert.Equal(["first", "", ""], messages.Select(m => m.Str("text")));
        Assert.Equal([first, second], messages.Where(m => m["deleted"]?.GetValue<bool>() == true).Select(m => m.Str("id")));
        Assert.DoesNotContain(messages, m => m.ToJsonString().Contains("password", StringComparison.Ordinal) || m.ToJsonString().Contains("rude", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_locked_topic_is_for_moderators_and_an_unlocked_one_for_everyone_in_the_room()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await JoinRoomAsync(alice, "dev");
        await using var bob = await server.GuestAsync("bob");
        await JoinRoomAsync(bob, "dev");

        AssertError(await RequestAsync(bob, new { type = "topic", room = "dev", topic = "mine now", id = "t0" }, "t0"), "forbidden");
        AssertOk(await RequestAsync(alice, new { type = "topic", room = "dev", @lock = false, id = "l" }, "l"));
        var unlocked = await bob.ReadUntilAsync(f => f.Type() == "topic");
        Assert.False(unlocked["locked"]!.GetValue<bool>());
        AssertOk(await RequestAsync(bob, new { type = "topic", room = "dev", topic = "anyone's", id = "t1" }, "t1"));
        AssertOk(await RequestAsync(alice, new { type = "topic", room = "dev", topic = "final", @lock = true, id = "l2" }, "l2"));
        AssertError(await RequestAsync(bob, new { type = "topic", room = "dev", topic = "again", id = "t2" }, "t2"), "forbidden");
    }

    [Fact]
    public async Task Bad_moderation_requests_get_clear_errors()
    {
        await using var server = await StartWithFirstAdminAsync();
        await using var boss = await server.RegisterAsync("boss");
        AssertError(await RequestAsync(boss, new { type = "ban", user = "x", duration = -5, id = "1" }, "1"), "bad_request");
        AssertError(await RequestAsync(boss, new { type = "ban", user = "x", until = "yesterday-ish", id = "2" }, "2"), "bad_request");
        AssertError(await RequestAsync(boss, new { type = "ban", user = "x", until = "2001-01-01T00:00:00Z", id = "3" }, "3"), "bad_request");
        AssertError(await RequestAsync(boss, new { type = "ban", user = "x", duration = 5, until = "2999-01-01T00:00:00Z", id = "4" }, "4"), "bad_request");
        AssertError(await RequestAsync(boss, new { type = "kick", id = "5" }, "5"), "bad_request");
        AssertError(await RequestAsync(boss, new { type = "kick", user = "ghost99", id = "6" }, "6"), "no_such_user");
        AssertError(await RequestAsync(boss, new { type = "kick", user = "bad name!", id = "6b" }, "6b"), "bad_name");
        AssertError(await RequestAsync(boss, new { type = "mute", user = "boss", id = "7" }, "7"), "bad_request");
        AssertError(await RequestAsync(boss, new { type = "ban", user = "x", reason = new string('r', 301), id = "8" }, "8"), "too_large");
        AssertError(await RequestAsync(boss, new { type = "delete", id = "9" }, "9"), "bad_request");
        await using var stranger = await RawClient.ConnectAsync(server.Port);
        AssertError(await FirstAnswerAsync(stranger, new { type = "kick", user = "boss" }), "not_welcomed");
    }
}
