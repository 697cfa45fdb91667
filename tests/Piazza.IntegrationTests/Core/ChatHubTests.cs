using System.Collections.Concurrent;
using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;
using Piazza.Storage.Sqlite;

namespace Piazza.IntegrationTests.Core;

/// <summary>The hub without any door: recording connections on one side, a real SQLite file on the other.</summary>
public sealed class ChatHubTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-hub-").FullName;
    private SqliteChatStore _store = null!;
    private ChatHub _hub = null!;

    /// <summary>A connection that records what the hub queues, with an optional capacity.</summary>
    private sealed class RecordingConnection(int capacity = int.MaxValue) : IChatConnection
    {
        public ConcurrentQueue<ChatEvent> Received { get; } = new();

        public int Closes;

        public bool LastCloseFlushed;

        public string Door => "test";

        public string RemoteEndPoint => "127.0.0.1:1";

        public string RemoteAddress => "127.0.0.1";

        public IEnumerable<MessageEvent> Messages => Received.OfType<MessageEvent>();

        public bool TryEnqueue(ChatEvent chatEvent)
        {
            if (Received.Count >= capacity)
            {
                return false;
            }

            Received.Enqueue(chatEvent);
            return true;
        }

        public Task WaitForCapacityAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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

    public async Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "hub.db") });
        // Flood limits off: these tests send as fast as they can on purpose (LimitsTests prove the limits).
        var noFloodLimits = new Piazza.Core.Limits.FloodLimits { MessagesPerSecond = 0, AccountMessagesPerSecond = 0, FramesPerSecond = 0 };
        _hub = new ChatHub(_store, new ChatHubOptions { PasswordIterations = 1000, Flood = noFloodLimits }, TimeProvider.System);
        await _hub.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<(RecordingConnection Connection, ChatSession Session)> GuestAsync(string name, int capacity = int.MaxValue)
    {
        var connection = new RecordingConnection(capacity);
        var result = await _hub.HelloAsync(connection, new HelloRequest(name, null, null, null, "127.0.0.1"));
        Assert.True(result.Succeeded, result.Error?.Message);
        return (connection, result.Value!);
    }

    private async Task<MessageEvent> SendAsync(ChatSession session, string text, string? room = "lobby", string? to = null, string? id = null)
    {
        var accepted = await _hub.SendAsync(session, to is null ? room : null, to, text, id);
        Assert.True(accepted.Succeeded, accepted.Error?.Message);
        var done = await accepted.Value!.Completion;
        Assert.True(done.Succeeded, done.Error?.Message);
        return done.Value!.Message;
    }

    [Fact]
    public async Task Welcome_comes_first_then_room_state_and_history_then_others_hear_joined()
    {
        var (alice, _) = await GuestAsync("alice");
        var (bob, _) = await GuestAsync("bob");
        var first = bob.Received.ToList();
        Assert.IsType<WelcomeEvent>(first[0]);
        var state = Assert.IsType<RoomStateEvent>(first[1]);
        Assert.Equal(["alice", "bob"], state.Users.Select(u => u.User));
        Assert.IsType<HistoryEvent>(first[2]);
        Assert.Contains(alice.Received, e => e is JoinedEvent { User: "bob" });
        Assert.DoesNotContain(bob.Received, e => e is JoinedEvent);
    }

    [Theory]
    [InlineData("Alice")]
    [InlineData("ALICE")]
    public async Task Guest_names_are_unique_case_insensitively(string second)
    {
        await GuestAsync("alice");
        var result = await _hub.HelloAsync(new RecordingConnection(), new HelloRequest(second, null, null, null, "127.0.0.1"));
        Assert.Equal("name_taken", result.Error?.Code.ToWire());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("server")]
    [InlineData("Admin")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    [InlineData("tab\t")]
    public async Task Bad_names_are_refused(string name)
    {
        var result = await _hub.HelloAsync(new RecordingConnection(), new HelloRequest(name, null, null, null, "127.0.0.1"));
        Assert.Equal("bad_name", result.Error?.Code.ToWire());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("bob_the-builder.2")]
    [InlineData("Zoë")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    public async Task Good_names_are_accepted(string name) => await GuestAsync(name);

    [Fact]
    public async Task A_message_is_encoded_once_however_many_recipients()
    {
        var connections = new List<RecordingConnection>();
        ChatSession? sender = null;
        for (var i = 0; i < 50; i++)
        {
            var (c, s) = await GuestAsync($"user{i}");
            connections.Add(c);
            sender ??= s;
        }

        var sent = await SendAsync(sender!, "hello");
        var encoder = new CountingEncoder();
        Parallel.ForEach(connections, c =>
        {
            var message = c.Messages.Single();
            Assert.Same(sent, message);
            Assert.Equal([1, 2, 3], message.GetEncoded(encoder));
        });
        Assert.Equal(1, encoder.Calls);
    }

    [Fact]
    public async Task Concurrent_senders_get_gap_free_seqs_seen_in_the_same_order_by_everyone()
    {
        var members = new List<(RecordingConnection Connection, ChatSession Session)>();
        for (var i = 0; i < 8; i++)
        {
            members.Add(await GuestAsync($"u{i}"));
        }

        await Task.WhenAll(members.Select(m => Task.Run(async () =>
        {
            var pending = new List<Task>();
            for (var n = 0; n < 250; n++)
            {
                var accepted = await _hub.SendAsync(m.Session, "lobby", null, $"{m.Session.Name}:{n}", null);
                pending.Add(accepted.Value!.Completion);
            }

            await Task.WhenAll(pending);
        })));

        foreach (var (connection, _) in members)
        {
            Assert.Equal(Enumerable.Range(1, 2000).Select(i => (long)i), connection.Messages.Select(m => m.Seq));
        }

        var stored = await _store.ReadAfterAsync("lobby", 0, 500);
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), stored.Select(m => m.Seq));
    }

    [Fact]
    public async Task A_full_connection_is_dropped_as_slow_consumer_and_the_others_keep_receiving()
    {
        using var dropped = new MeasurementCount("piazza.deliveries.dropped");
        using var disconnected = new MeasurementCount("piazza.disconnects", "reason", "slow_consumer");
        var (slow, _) = await GuestAsync("slow", capacity: 8);
        var (fast, sender) = await GuestAsync("fast");
        for (var i = 0; i < 20; i++)
        {
            await SendAsync(sender, $"m{i}");
        }

        // Counted for the operator (docs/monitoring.md); the meter is process-wide, so at least this one.
        Assert.True(dropped.Count >= 1, "the refused delivery was counted");
        Assert.True(disconnected.Count >= 1, "the slow_consumer disconnect was counted");
        Assert.Equal(1, slow.Closes);
        Assert.False(slow.LastCloseFlushed);
        Assert.DoesNotContain(_hub.Sessions, s => s.Name == "slow");
        Assert.Equal(20, fast.Messages.Count());
        Assert.Contains(fast.Received, e => e is LeftEvent { User: "slow", Reason: LeaveReason.SlowConsumer });
    }

    [Fact]
    public async Task Kick_tells_everyone_including_the_target_then_closes_it_after_flushing()
    {
        var (bob, _) = await GuestAsync("bob");
        var (alice, _) = await GuestAsync("alice");
        Assert.True(await _hub.KickAsync("BOB", "spam"));
        Assert.Contains(bob.Received, e => e is LeftEvent { User: "bob", Reason: LeaveReason.Kicked, Message: "spam" });
        Assert.Contains(alice.Received, e => e is LeftEvent { User: "bob", Reason: LeaveReason.Kicked });
        Assert.True(bob.LastCloseFlushed);
        Assert.False(await _hub.KickAsync("nobody-here", null));
    }

    [Fact]
    public async Task Disconnect_is_announced_once_even_if_called_twice()
    {
        var (_, bob) = await GuestAsync("bob");
        var (alice, _) = await GuestAsync("alice");
        _hub.Disconnect(bob, LeaveReason.Lost);
        _hub.Disconnect(bob, LeaveReason.Quit);
        var left = Assert.Single(alice.Received.OfType<LeftEvent>());
        Assert.Equal(LeaveReason.Lost, left.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Empty_text_is_a_bad_request(string text)
    {
        var (_, s) = await GuestAsync("a");
        Assert.Equal("bad_request", (await _hub.SendAsync(s, "lobby", null, text, null)).Error?.Code.ToWire());
    }

    [Fact]
    public async Task Text_over_the_limit_is_too_large_and_unknown_rooms_are_refused()
    {
        var (_, s) = await GuestAsync("a");
        Assert.Equal("too_large", (await _hub.SendAsync(s, "lobby", null, new string('x', 4001), null)).Error?.Code.ToWire());
        Assert.Equal("no_such_room", (await _hub.SendAsync(s, "elsewhere", null, "hi", null)).Error?.Code.ToWire());
    }
}
