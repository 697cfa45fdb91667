using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>Accounts over the native door: register, password and token logins, tokens, throttling, multi-device.</summary>
public class AccountTests
{
    [Fact]
    public async Task Register_as_first_frame_is_welcomed_as_registered_with_a_token()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("Alice");
        var welcome = alice.Welcome;

        Assert.Equal("Alice", welcome.Str("user"));
        Assert.True(welcome["registered"]!.GetValue<bool>());
        Assert.Matches("^[A-Za-z0-9_-]{43}$", welcome.Str("token"));
        Assert.Equal(["lobby"], welcome["rooms"]!.AsArray().Select(r => r!["room"]!.GetValue<string>()));
        Assert.Equal(["Alice"], Names(welcome["users"]!.AsArray()));

        // Entering the lobby follows the welcome.
        var (room, history) = await ReadEntryAsync(alice, "lobby");
        Assert.Equal(["Alice"], Names(room["users"]!.AsArray()));
        Assert.Empty(history["messages"]!.AsArray());
    }

    [Fact]
    public async Task Password_login_is_welcomed_with_a_fresh_token()
    {
        await using var server = await TestServer.StartAsync();
        var first = await server.RegisterAsync("alice");
        var registered = first.Welcome;
        await first.SendAsync(new { type = "bye" });
        Assert.True(await first.WaitForCloseAsync());
        await first.DisposeAsync();

        await using var again = await server.LoginAsync("ALICE");
        var welcome = again.Welcome;
        Assert.Equal("alice", welcome.Str("user"));
        Assert.True(welcome["registered"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(welcome.Str("token")));
        Assert.NotEqual(registered.Str("token"), welcome.Str("token"));
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_auth_failed_and_the_connection_stays_usable()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");

        await using var client = await RawClient.ConnectAsync(server.Port);
        var wrong = await FirstAnswerAsync(client, new { type = "hello", user = "alice", password = "not the password", id = "h1" });
        var unknown = await FirstAnswerAsync(client, new { type = "hello", user = "nobody-here", password = "not the password", id = "h2" });

        AssertError(wrong, "auth_failed");
        AssertError(unknown, "auth_failed");
        Assert.Equal(wrong.Str("message"), unknown.Str("message"));
        Assert.Equal(("h1", "h2"), (wrong.Str("re"), unknown.Str("re")));

        var welcome = await FirstAnswerAsync(client, new { type = "hello", user = "alice", password = Password });
        Assert.Equal("welcome", welcome.Type());
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("ALICE")]
    [InlineData("aLiCe")]
    public async Task A_guest_cannot_take_a_registered_name_in_any_case(string guestName)
    {
        await using var server = await TestServer.StartAsync();
        var alice = await server.RegisterAsync("Alice");
        await alice.SendAsync(new { type = "bye" });
        Assert.True(await alice.WaitForCloseAsync());
        await alice.DisposeAsync();

        await using var guest = await RawClient.ConnectAsync(server.Port);
        AssertError(await FirstAnswerAsync(guest, new { type = "hello", user = guestName }), "name_reserved");

        // Stays open for another name.
        Assert.Equal("welcome", (await FirstAnswerAsync(guest, new { type = "hello", user = "carol" })).Type());
    }

    [Fact]
    public async Task Registering_a_taken_name_gets_name_taken()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.GuestAsync("bob");

        await using var client = await RawClient.ConnectAsync(server.Port);
        AssertError(await FirstAnswerAsync(client, new { type = "register", user = "Alice", password = Password }), "name_taken");
        AssertError(await FirstAnswerAsync(client, new { type = "register", user = "BOB", password = Password }), "name_taken");
        Assert.Equal("welcome", (await FirstAnswerAsync(client, new { type = "register", user = "carol", password = Password })).Type());
    }

    [Theory]
    [InlineData("short")]
    [InlineData("1234567")]
    public async Task A_short_password_is_a_bad_request(string password)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawClient.ConnectAsync(server.Port);
        AssertError(await FirstAnswerAsync(client, new { type = "register", user = "alice", password }), "bad_request");

        // Nothing was created: the name is still free for a guest.
        Assert.Equal("welcome", (await FirstAnswerAsync(client, new { type = "hello", user = "alice" })).Type());
    }

    [Fact]
    public async Task A_token_alone_logs_in_and_a_garbage_token_fails()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await server.RegisterAsync("alice");
        var registered = first.Welcome;

        await using var second = await server.TokenLoginAsync(registered.Str("token")!);
        var welcome = second.Welcome;
        Assert.Equal("alice", welcome.Str("user"));
        Assert.True(welcome["registered"]!.GetValue<bool>());
        Assert.Equal(registered.Str("token"), welcome.Str("token"));

        await using var stranger = await RawClient.ConnectAsync(server.Port);
        AssertError(await FirstAnswerAsync(stranger, new { type = "hello", token = "bm90LWEtdG9rZW4" }), "auth_failed");
        AssertError(await FirstAnswerAsync(stranger, new { type = "hello", token = "" }), "auth_failed");
    }

    [Fact]
    public async Task Logout_revokes_the_token()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        var welcome = alice.Welcome;
        var token = welcome.Str("token")!;

        AssertOk(await RequestAsync(alice, new { type = "logout", id = "l" }, "l"));

        await using var later = await RawClient.ConnectAsync(server.Port);
        AssertError(await FirstAnswerAsync(later, new { type = "hello", token }), "auth_failed");
    }

    [Fact]
    public async Task Password_change_issues_a_new_token_and_retires_the_old_token_and_password()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        var welcome = alice.Welcome;
        var oldToken = welcome.Str("token")!;
        const string NewPassword = "a much better passphrase";

        var changed = await RequestAsync(alice, new { type = "password", password = Password, newPassword = NewPassword, id = "p" }, "p");
        AssertOk(changed);
        var newToken = changed.Str("token");
        Assert.False(string.IsNullOrEmpty(newToken));
        Assert.NotEqual(oldToken, newToken);

        await using var probe = await RawClient.ConnectAsync(server.Port);
        AssertError(await FirstAnswerAsync(probe, new { type = "hello", token = oldToken }), "auth_failed");
        AssertError(await FirstAnswerAsync(probe, new { type = "hello", user = "alice", password = Password }), "auth_failed");
        var byToken = await FirstAnswerAsync(probe, new { type = "hello", token = newToken });
        Assert.Equal(("welcome", "alice"), (byToken.Type(), byToken.Str("user")));

        var byPassword = await server.LoginAsync("alice", NewPassword);
        await byPassword.DisposeAsync();
    }

    [Fact]
    public async Task A_password_change_with_the_wrong_current_password_fails_and_keeps_the_token()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        var welcome = alice.Welcome;

        var refused = await RequestAsync(alice, new { type = "password", password = "not my password", newPassword = "whatever it is", id = "p" }, "p");
        AssertError(refused, "auth_failed");

        var again = await server.TokenLoginAsync(welcome.Str("token")!);
        await again.DisposeAsync();
    }

    [Fact]
    public async Task After_five_wrong_passwords_from_one_address_even_the_right_one_from_it_is_rate_limited()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");

        await using var attacker = await RawClient.ConnectAsync(server.Port);
        for (var i = 0; i < 5; i++)
        {
            AssertError(await FirstAnswerAsync(attacker, new { type = "hello", user = "alice", password = $"guess number {i}" }), "auth_failed");
        }

        // The block after the fifth failure lasts 1 s: this answer comes well within it. It holds for this address only
        // (the owner's other addresses are not refused: Security/LoginThrottlingTests).
        var limited = await FirstAnswerAsync(attacker, new { type = "hello", user = "alice", password = Password });
        AssertError(limited, "rate_limited");
        Assert.True(limited["retryAfter"]!.GetValue<double>() > 0, limited.ToJsonString());
    }

    [Fact]
    public async Task A_guest_registers_its_own_name_and_its_token_then_works()
    {
        await using var server = await TestServer.StartAsync();
        await using var guest = await server.GuestAsync("Carol");
        var welcome = guest.Welcome;
        Assert.False(welcome["registered"]!.GetValue<bool>());
        Assert.Null(welcome["token"]);

        var registered = await RequestAsync(guest, new { type = "register", user = "carol", password = Password, id = "r" }, "r");
        AssertOk(registered);
        var token = registered.Str("token")!;
        Assert.False(string.IsNullOrEmpty(token));

        await using var device = await server.TokenLoginAsync(token);
        var byToken = device.Welcome;
        Assert.Equal("Carol", byToken.Str("user"));
        Assert.True(byToken["registered"]!.GetValue<bool>());

        // The name is now reserved for the account.
        await guest.SendAsync(new { type = "bye" });
        Assert.True(await guest.WaitForCloseAsync());
        await device.SendAsync(new { type = "bye" });
        Assert.True(await device.WaitForCloseAsync());
        await using var impostor = await RawClient.ConnectAsync(server.Port);
        AssertError(await FirstAnswerAsync(impostor, new { type = "hello", user = "carol" }), "name_reserved");
    }

    [Fact]
    public async Task A_guest_who_registered_still_leaves_the_lobby_when_it_quits()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.GuestAsync("bob");
        await using var carol = await server.GuestAsync("carol");
        AssertOk(await RequestAsync(carol, new { type = "register", user = "carol", password = Password, id = "r" }, "r"));

        await carol.SendAsync(new { type = "bye" });
        Assert.True(await carol.WaitForCloseAsync());

        // The server retired carol before closing, so the left is queued before the answer to who.
        var before = new List<JsonObject>();
        var who = await RequestAsync(bob, new { type = "who", room = "lobby", id = "w" }, "w", before);
        Assert.Equal(["bob"], Names(who["users"]!.AsArray()));
        var left = Assert.Single(before, f => f.Type() == "left");
        Assert.Equal(("carol", "quit"), (left.Str("user"), left.Str("reason")));
    }

    [Fact]
    public async Task A_guest_cannot_register_another_name()
    {
        await using var server = await TestServer.StartAsync();
        await using var guest = await server.GuestAsync("carol");
        AssertError(await RequestAsync(guest, new { type = "register", user = "dave", password = Password, id = "r" }, "r"), "bad_request");
    }

    [Fact]
    public async Task Without_guests_a_guest_hello_needs_auth_but_register_works()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { AllowGuests = false });
        await using var client = await RawClient.ConnectAsync(server.Port);
        AssertError(await FirstAnswerAsync(client, new { type = "hello", user = "carol" }), "auth_required");

        var welcome = await FirstAnswerAsync(client, new { type = "register", user = "carol", password = Password });
        Assert.Equal("welcome", welcome.Type());
        Assert.True(welcome["registered"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Two_devices_of_one_account_both_get_everything_and_presence_shows_the_user_once()
    {
        await using var server = await TestServer.StartAsync();
        await using var phone = await server.RegisterAsync("alice");
        await using var laptop = await server.LoginAsync("alice");
        var laptopWelcome = laptop.Welcome;
        Assert.Equal(["alice"], Names(laptopWelcome["users"]!.AsArray()));
        await using var bob = await server.GuestAsync("bob");

        // A second device is not news to the room: bob saw alice once, in his welcome.
        await bob.SendAsync(new { type = "send", text = "hello alice", id = "b1" });
        var onPhone = await phone.ReadUntilAsync(f => f.Type() == "message");
        var onLaptop = await laptop.ReadUntilAsync(f => f.Type() == "message");
        Assert.Equal(("bob", "hello alice"), (onPhone.Str("from"), onPhone.Str("text")));
        Assert.Equal(onPhone.Str("id"), onLaptop.Str("id"));

        await phone.SendAsync(new { type = "send", text = "from my phone", id = "a1" });
        var echo = await laptop.ReadUntilAsync(f => f.Type() == "message");
        Assert.Equal(("alice", "from my phone"), (echo.Str("from"), echo.Str("text")));
        Assert.Equal("from my phone", (await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "alice")).Str("text"));

        var who = await RequestAsync(bob, new { type = "who", room = "lobby", id = "w" }, "w");
        Assert.Equal(["alice", "bob"], Names(who["users"]!.AsArray()));

        // Closing one device is not a departure. The server has retired the phone once it closes after bye,
        // so a left would come before the marker.
        await phone.SendAsync(new { type = "bye" });
        Assert.True(await phone.WaitForCloseAsync());
        await laptop.SendAsync(new { type = "send", text = "still here", id = "a2" });
        var skipped = new List<JsonObject>();
        await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "still here", skipped: skipped);
        Assert.DoesNotContain(skipped, f => f.Type() == "left");
        who = await RequestAsync(bob, new { type = "who", room = "lobby", id = "w2" }, "w2");
        Assert.Equal(["alice", "bob"], Names(who["users"]!.AsArray()));

        await laptop.SendAsync(new { type = "bye" });
        var left = await bob.ReadUntilAsync(f => f.Type() == "left");
        Assert.Equal(("lobby", "alice", "quit"), (left.Str("room"), left.Str("user"), left.Str("reason")));
    }

    [Fact]
    public async Task The_last_device_lost_is_reported_as_lost()
    {
        await using var server = await TestServer.StartAsync();
        var phone = await server.RegisterAsync("alice");
        var laptop = await server.LoginAsync("alice");
        await using var bob = await server.GuestAsync("bob");

        await phone.SendAsync(new { type = "bye" });
        Assert.True(await phone.WaitForCloseAsync());
        await phone.DisposeAsync();
        laptop.Abort();
        await laptop.DisposeAsync();

        // The first left is the one for the last device: the phone's bye announced nothing.
        var left = await bob.ReadUntilAsync(f => f.Type() == "left");
        Assert.Equal(("alice", "lost"), (left.Str("user"), left.Str("reason")));
    }
}
