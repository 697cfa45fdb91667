using System.Collections.Concurrent;
using Piazza.Core;

namespace Piazza.UnitTests;

public class ChatHubUnitTests
{
    /// <summary>A connection that records what the hub queues, with an optional capacity.</summary>
    private sealed class RecordingConnection(int capacity = int.MaxValue) : IChatConnection
    {
        public ConcurrentQueue<ChatEvent> Received { get; } = new();

        public int Closes;

        public bool LastCloseFlushed;

        public string Door => "test";

        public string RemoteEndPoint => "127.0.0.1:1";

        public bool TryEnqueue(ChatEvent chatEvent)
        {
            if (Received.Count >= capacity)
            {
                return false;
            }

            Received.Enqueue(chatEvent);
            return true;
        }

        public void Close(bool flush)
        {
            Interlocked.Increment(ref Closes);
            LastCloseFlushed = flush;
        }
    }

    private sealed class CountingEncoder : IEventEncoder
    {
        public int Calls;

        public int Slot => EventEncoderSlots.JsonLines;

        public byte[] Encode(ChatEvent chatEvent)
        {
            Interlocked.Increment(ref Calls);
            return [1, 2, 3];
        }
    }

    private static ChatHub NewHub() => new(new ChatHubOptions(), TimeProvider.System);

    [Fact]
    public void Welcome_comes_first_and_lists_everyone_then_others_hear_joined()
    {
        var hub = NewHub();
        var alice = new RecordingConnection();
        var bob = new RecordingConnection();
        Assert.True(hub.Join(alice, "alice").Succeeded);
        Assert.True(hub.Join(bob, "bob").Succeeded);

        var welcome = Assert.IsType<WelcomeEvent>(bob.Received.First());
        Assert.Equal(["alice", "bob"], welcome.Users.Select(u => u.User));
        Assert.Contains(alice.Received, e => e is JoinedEvent { User: "bob" });
        Assert.DoesNotContain(bob.Received, e => e is JoinedEvent);
    }

    [Theory]
    [InlineData("Alice")]
    [InlineData("ALICE")]
    public void Names_are_unique_case_insensitively(string second)
    {
        var hub = NewHub();
        Assert.True(hub.Join(new RecordingConnection(), "alice").Succeeded);
        var result = hub.Join(new RecordingConnection(), second);
        Assert.Equal("name_taken", result.ErrorCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("server")]
    [InlineData("Admin")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    [InlineData("tab\t")]
    public void Bad_names_are_refused(string name)
    {
        Assert.Equal("bad_name", NewHub().Join(new RecordingConnection(), name).ErrorCode);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("bob_the-builder.2")]
    [InlineData("Zoë")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    public void Good_names_are_accepted(string name)
    {
        Assert.True(NewHub().Join(new RecordingConnection(), name).Succeeded);
    }

    [Fact]
    public void A_name_is_free_again_after_its_holder_leaves()
    {
        var hub = NewHub();
        var first = hub.Join(new RecordingConnection(), "alice").Session!;
        hub.Leave(first, "quit");
        Assert.True(hub.Join(new RecordingConnection(), "alice").Succeeded);
    }

    [Fact]
    public void A_message_is_encoded_once_however_many_recipients()
    {
        var hub = NewHub();
        var connections = Enumerable.Range(0, 50).Select(_ => new RecordingConnection()).ToList();
        for (var i = 0; i < connections.Count; i++)
        {
            hub.Join(connections[i], $"user{i}");
        }

        var sent = hub.Send(hub.Sessions.First(), "lobby", "hello").Message!;
        var encoder = new CountingEncoder();
        Parallel.ForEach(connections, c =>
        {
            var message = c.Received.OfType<MessageEvent>().Single();
            Assert.Same(sent, message);
            Assert.Equal([1, 2, 3], message.GetEncoded(encoder));
        });
        Assert.Equal(1, encoder.Calls);
    }

    [Fact]
    public void Concurrent_senders_get_gap_free_seqs_seen_in_the_same_order_by_everyone()
    {
        var hub = NewHub();
        var connections = Enumerable.Range(0, 8).Select(_ => new RecordingConnection()).ToList();
        var sessions = connections.Select((c, i) => hub.Join(c, $"u{i}").Session!).ToList();
        Parallel.ForEach(sessions, s =>
        {
            for (var n = 0; n < 500; n++)
            {
                Assert.True(hub.Send(s, null, $"{s.Name}:{n}").Succeeded);
            }
        });

        foreach (var c in connections)
        {
            var seqs = c.Received.OfType<MessageEvent>().Select(m => m.Seq).ToList();
            Assert.Equal(Enumerable.Range(1, 4000).Select(i => (long)i), seqs);
        }
    }

    [Fact]
    public void A_full_connection_is_dropped_as_slow_consumer_and_the_others_keep_receiving()
    {
        var hub = NewHub();
        var slow = new RecordingConnection(capacity: 5);
        var fast = new RecordingConnection();
        hub.Join(slow, "slow");
        var sender = hub.Join(fast, "fast").Session!;
        for (var i = 0; i < 20; i++)
        {
            hub.Send(sender, null, $"m{i}");
        }

        Assert.Equal(1, slow.Closes);
        Assert.False(slow.LastCloseFlushed);
        Assert.DoesNotContain(hub.Sessions, s => s.Name == "slow");
        Assert.Equal(20, fast.Received.OfType<MessageEvent>().Count());
        Assert.Contains(fast.Received, e => e is LeftEvent { User: "slow", Reason: "slow_consumer" });
    }

    [Fact]
    public void Kick_tells_everyone_including_the_target_then_closes_it_after_flushing()
    {
        var hub = NewHub();
        var bob = new RecordingConnection();
        var alice = new RecordingConnection();
        hub.Join(bob, "bob");
        hub.Join(alice, "alice");
        Assert.True(hub.Kick("BOB", "spam"));
        Assert.Contains(bob.Received, e => e is LeftEvent { User: "bob", Reason: "kicked", Message: "spam" });
        Assert.Contains(alice.Received, e => e is LeftEvent { User: "bob", Reason: "kicked" });
        Assert.True(bob.LastCloseFlushed);
        Assert.False(hub.Kick("nobody-here", null));
    }

    [Fact]
    public void Leave_is_announced_once_even_if_called_twice()
    {
        var hub = NewHub();
        var alice = new RecordingConnection();
        var bob = hub.Join(new RecordingConnection(), "bob").Session!;
        hub.Join(alice, "alice");
        hub.Leave(bob, "lost");
        hub.Leave(bob, "quit");
        Assert.Single(alice.Received.OfType<LeftEvent>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_text_is_a_bad_request(string text)
    {
        var hub = NewHub();
        var s = hub.Join(new RecordingConnection(), "a").Session!;
        Assert.Equal("bad_request", hub.Send(s, null, text).ErrorCode);
    }

    [Fact]
    public void Text_over_the_limit_is_too_large_and_unknown_rooms_are_refused()
    {
        var hub = new ChatHub(new ChatHubOptions { MaxMessageChars = 10 }, TimeProvider.System);
        var s = hub.Join(new RecordingConnection(), "a").Session!;
        Assert.Equal("too_large", hub.Send(s, null, new string('x', 11)).ErrorCode);
        Assert.True(hub.Send(s, null, new string('x', 10)).Succeeded);
        Assert.Equal("no_such_room", hub.Send(s, "elsewhere", "hi").ErrorCode);
    }
}
