using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>Private messages over the native door: delivery to every device, conversation ids, offline delivery, guests.</summary>
public class PrivateMessageTests
{
    [Fact]
    public async Task A_private_message_reaches_every_device_of_both_sides_under_one_conversation_id()
    {
        await using var server = await TestServer.StartAsync();
        await using var bobPhone = await server.RegisterAsync("Bob");
        await using var bobLaptop = await server.LoginAsync("bob");
        await using var alicePhone = await server.RegisterAsync("alice");
        await using var aliceLaptop = await server.LoginAsync("alice");
        await using var carol = await server.GuestAsync("carol");

        var echoes = new List<JsonObject>();
        var ok = await RequestAsync(bobPhone, new { type = "send", to = "ALICE", text = "psst", id = "p1" }, "p1", echoes);
        AssertOk(ok);
        Assert.Equal(("@alice,bob", 1L), (ok.Str("room"), ok.Seq()));

        var received = new List<JsonObject> { echoes.Single(f => f.Type() == "message") };
        foreach (var device in new[] { bobLaptop, alicePhone, aliceLaptop })
        {
            received.Add(await device.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "psst"));
        }

        foreach (var message in received)
        {
            Assert.Equal(("@alice,bob", "Bob", "alice", 1L), (message.Str("room"), message.Str("from"), message.Str("to"), message.Seq()));
            Assert.Equal(ok.Str("msg"), message.Str("id"));
        }

        // The other side answers in the same conversation, with the next seq.
        echoes.Clear();
        var reply = await RequestAsync(aliceLaptop, new { type = "send", to = "bob", text = "what?", id = "p2" }, "p2", echoes);
        AssertOk(reply);
        Assert.Equal(("@alice,bob", 2L), (reply.Str("room"), reply.Seq()));
        received = [echoes.Single(f => f.Type() == "message")];
        foreach (var device in new[] { bobPhone, bobLaptop, alicePhone })
        {
            received.Add(await device.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "what?"));
        }

        foreach (var message in received)
        {
            Assert.Equal(("@alice,bob", "alice", "Bob"), (message.Str("room"), message.Str("from"), message.Str("to")));
        }

        // A third party never sees it: the lobby marker comes after both.
        await SendOkAsync(bobPhone, "lobby", "marker", "m");
        var skipped = new List<JsonObject>();
        await carol.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "marker", skipped: skipped);
        Assert.DoesNotContain(skipped, f => f.Type() is "message" or "history" && f.Str("room")!.StartsWith('@'));
    }

    [Fact]
    public async Task A_private_message_to_nobody_is_no_such_user()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.GuestAsync("alice");
        var error = await RequestAsync(alice, new { type = "send", to = "ghost", text = "anyone?", id = "p" }, "p");
        AssertError(error, "no_such_user");
        AssertError(await RequestAsync(alice, new { type = "history", with = "ghost", id = "h" }, "h"), "no_such_user");
    }

    [Fact]
    public async Task An_offline_account_gets_its_private_messages_at_the_next_login()
    {
        await using var server = await TestServer.StartAsync();
        var bob = await server.RegisterAsync("bob");
        await bob.SendAsync(new { type = "bye" });
        Assert.True(await bob.WaitForCloseAsync());
        await bob.DisposeAsync();

        await using var alice = await server.RegisterAsync("alice");
        var first = await RequestAsync(alice, new { type = "send", to = "bob", text = "call me", id = "p1" }, "p1");
        AssertOk(first);
        Assert.Equal("@alice,bob", first.Str("room"));
        AssertOk(await RequestAsync(alice, new { type = "send", to = "bob", text = "please", id = "p2" }, "p2"));

        await using var back = await server.LoginAsync("bob");
        var history = await back.ReadUntilAsync(f => f.Type() == "history" && f.Str("room") == "@alice,bob");
        Assert.Null(history["re"]);
        Assert.Equal(["call me", "please"], Texts(history));
        Assert.Equal([1L, 2], Seqs(history));
        Assert.All(history["messages"]!.AsArray(), m => Assert.Equal(("alice", "bob"), (m!["from"]!.GetValue<string>(), m["to"]!.GetValue<string>())));

        // Live from here on, without repeats.
        await alice.SendAsync(new { type = "send", to = "bob", text = "there you are", id = "p3" });
        var live = await back.ReadUntilAsync(f => f.Type() == "message");
        Assert.Equal(("there you are", 3L), (live.Str("text"), live.Seq()));
    }

    [Fact]
    public async Task A_guests_conversation_id_marks_the_guest_and_is_not_the_later_accounts()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        var carol = await server.GuestAsync("Carol");

        var ok = await RequestAsync(carol, new { type = "send", to = "alice", text = "hi from a guest", id = "g1" }, "g1");
        AssertOk(ok);

        // A guest's key is '~' + its folded name + '~' + a random part unique to this login (issue 11).
        var guestId = ok.Str("room")!;
        Assert.Matches("^@alice,~carol~[0-9a-f]{16}$", guestId);
        var atAlice = await alice.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "hi from a guest");
        Assert.Equal((guestId, "Carol", "alice"), (atAlice.Str("room"), atAlice.Str("from"), atAlice.Str("to")));

        var answer = await RequestAsync(alice, new { type = "send", to = "carol", text = "hello guest", id = "a1" }, "a1");
        Assert.Equal((guestId, 2L), (answer.Str("room"), answer.Seq()));

        // The guest goes; an account of the same name starts a new conversation, not the guest's.
        await carol.SendAsync(new { type = "bye" });
        Assert.True(await carol.WaitForCloseAsync());
        await carol.DisposeAsync();
        await using var account = await server.RegisterAsync("carol");
        var history = await RequestAsync(account, new { type = "history", with = "alice", id = "h" }, "h");
        Assert.Equal("@alice,carol", history.Str("room"));
        Assert.Empty(history["messages"]!.AsArray());
        var notYours = await RequestAsync(account, new { type = "history", room = guestId, id = "h2" }, "h2");
        AssertError(notYours, "forbidden"); // another's private conversation: forbidden (not_in_room is for rooms)
    }
}
