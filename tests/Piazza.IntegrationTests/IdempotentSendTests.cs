using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>A send repeated with the same id by the same account is stored and delivered once, across reconnects and restarts.</summary>
public class IdempotentSendTests
{
    [Fact]
    public async Task A_send_repeated_after_a_broken_connection_is_acknowledged_as_a_duplicate_and_delivered_once()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.GuestAsync("bob");
        var alice = await server.RegisterAsync("alice");
        var welcome = alice.Welcome;

        var original = await SendOkAsync(alice, "lobby", "exactly once", "X");
        Assert.Null(original["duplicate"]);
        alice.Abort();
        await alice.DisposeAsync();

        await using var again = await server.TokenLoginAsync(welcome.Str("token")!);
        var repeat = await SendOkAsync(again, "lobby", "exactly once", "X");
        Assert.True(repeat["duplicate"]?.GetValue<bool>(), repeat.ToJsonString());
        Assert.Equal((original.Str("msg"), original.Seq(), "lobby"), (repeat.Str("msg"), repeat.Seq(), repeat.Str("room")));

        // Repeating again on the same connection is still the same message.
        var third = await SendOkAsync(again, "lobby", "exactly once", "X");
        Assert.Equal((true, original.Str("msg")), (third["duplicate"]!.GetValue<bool>(), third.Str("msg")));

        var next = await SendOkAsync(again, "lobby", "marker", "Y");
        Assert.Equal(original.Seq() + 1, next.Seq());
        var frames = new List<JsonObject>();
        await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "marker", skipped: frames);
        Assert.Single(frames, f => f.Type() == "message" && f.Str("text") == "exactly once");
    }

    [Fact]
    public async Task The_same_id_from_another_account_is_a_new_message()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await using var carol = await server.RegisterAsync("carol");

        var first = await SendOkAsync(alice, "lobby", "mine", "X");
        var second = await SendOkAsync(carol, "lobby", "mine too", "X");
        Assert.Null(second["duplicate"]);
        Assert.NotEqual(first.Str("msg"), second.Str("msg"));
        Assert.Equal(first.Seq() + 1, second.Seq());
    }

    [Fact]
    public async Task A_send_repeated_after_a_server_restart_is_still_recognised()
    {
        var server = await TestServer.StartAsync();
        var folder = server.DataDirectory;
        try
        {
            var alice = await server.RegisterAsync("alice");
            var welcome = alice.Welcome;
            var token = welcome.Str("token")!;
            var original = await SendOkAsync(alice, "lobby", "exactly once", "X");
            alice.Abort();
            await alice.DisposeAsync();

            await server.StopKeepingDataAsync();
            server = await TestServer.StartInAsync(folder);

            await using var bob = await server.GuestAsync("bob");
            await using var again = await server.TokenLoginAsync(token);
            var repeat = await SendOkAsync(again, "lobby", "exactly once", "X");
            Assert.True(repeat["duplicate"]?.GetValue<bool>(), repeat.ToJsonString());
            Assert.Equal((original.Str("msg"), original.Seq()), (repeat.Str("msg"), repeat.Seq()));

            var next = await SendOkAsync(again, "lobby", "marker", "Y");
            Assert.Equal(original.Seq() + 1, next.Seq());

            // Bob, online after the restart, hears only the marker live; the store holds the message once.
            var frames = new List<JsonObject>();
            await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "marker", skipped: frames);
            Assert.DoesNotContain(frames, f => f.Type() == "message");
            var history = await RequestAsync(bob, new { type = "history", room = "lobby", id = "h" }, "h");
            Assert.Equal(["exactly once", "marker"], Texts(history));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
