using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Piazza.Core;
using Piazza.Storage.Sqlite;

namespace Piazza.IntegrationTests.Core;

/// <summary>
/// Conversations nobody is attached to are dropped from memory once idle, and come back from the store intact
/// (seq, history, recent client ids); a conversation somebody is attached to is never dropped.
/// </summary>
public sealed class ConversationEvictionTests : IAsyncLifetime
{
    private static readonly TimeSpan LongerThanIdle = TimeSpan.FromMinutes(11);

    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-evict-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private SqliteChatStore _store = null!;
    private ChatHub _hub = null!;

    private sealed class Recording : IChatConnection
    {
        public ConcurrentQueue<ChatEvent> Received { get; } = new();

        public string Door => "test";

        public string RemoteEndPoint => "127.0.0.1:1";

        public string RemoteAddress => "127.0.0.1";

        public IEnumerable<MessageEvent> Messages
            => Received.SelectMany(e => e switch { MessageEvent m => [m], HistoryEvent h => h.Messages, _ => [] });

        public bool TryEnqueue(ChatEvent chatEvent)
        {
            Received.Enqueue(chatEvent);
            return true;
        }

        public Task WaitForCapacityAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Close(bool flush)
        {
        }
    }

    public async Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "hub.db") });
        _hub = new ChatHub(_store, new ChatHubOptions { PasswordIterations = 1000 }, _clock);
        await _hub.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<(Recording Connection, ChatSession Session)> RegisterAsync(string name)
    {
        var connection = new Recording();
        var result = await _hub.RegisterAsync(connection, name, "correct horse battery");
        Assert.True(result.Succeeded, result.Error?.Message);
        return (connection, result.Value!);
    }

    private async Task<MessageEvent> SendAsync(ChatSession session, string room, string text, string? clientId = null)
    {
        var pending = await _hub.SendAsync(session, room, null, text, clientId);
        Assert.True(pending.Succeeded, pending.Error?.Message);
        var done = await pending.Value!.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(done.Succeeded, done.Error?.Message);
        return done.Value!.Message;
    }

    /// <summary>Any load runs the sweep when it is due; asking who is in the lobby is a load.</summary>
    private async Task SweepAsync() => Assert.True((await _hub.WhoAsync("lobby")).Succeeded);

    [Fact]
    public async Task An_idle_room_nobody_is_attached_to_is_dropped_and_comes_back_from_the_store_intact()
    {
        var (connection, alice) = await RegisterAsync("alice");
        Assert.True((await _hub.JoinAsync(alice, "dev")).Succeeded);
        var first = await SendAsync(alice, "dev", "before", clientId: "c1");
        Assert.True((await _hub.LeaveAsync(alice, "dev")).Succeeded);
        Assert.Equal(2, _hub.ConversationsInMemory); // the lobby (alice is in it) and dev

        _clock.Advance(TimeSpan.FromMinutes(9));
        await SweepAsync();
        Assert.Equal(2, _hub.ConversationsInMemory); // not idle long enough yet

        _clock.Advance(LongerThanIdle);
        await SweepAsync();
        Assert.Equal(1, _hub.ConversationsInMemory); // dev is gone; the lobby has alice attached

        Assert.True((await _hub.JoinAsync(alice, "dev")).Succeeded);
        Assert.Equal(2, _hub.ConversationsInMemory);
        Assert.Contains(connection.Messages, m => m.Room == "dev" && m.Id == first.Id);

        // The seq continues where the store left it, and the client id sent before the drop is still known.
        var repeat = await (await _hub.SendAsync(alice, "dev", null, "before", "c1")).Value!.Completion;
        Assert.True(repeat.Value!.Duplicate);
        Assert.Equal((first.Id, first.Seq), (repeat.Value.Message.Id, repeat.Value.Message.Seq));
        Assert.Equal(first.Seq + 1, (await SendAsync(alice, "dev", "after")).Seq);
    }

    [Fact]
    public async Task A_room_with_an_attached_connection_is_never_dropped_however_long_it_is_quiet()
    {
        var (_, bob) = await RegisterAsync("bob");
        Assert.True((await _hub.JoinAsync(bob, "dev")).Succeeded);
        var first = await SendAsync(bob, "dev", "hello");
        var (_, carol) = await RegisterAsync("carol");

        _clock.Advance(TimeSpan.FromDays(2));
        await SweepAsync();
        Assert.Equal(2, _hub.ConversationsInMemory);

        // bob's connection is still live in dev: carol joins and bob hears her, and the seq goes on.
        Assert.True((await _hub.JoinAsync(carol, "dev")).Succeeded);
        Assert.Equal(first.Seq + 1, (await SendAsync(carol, "dev", "hi bob")).Seq);
    }

    [Fact]
    public async Task A_private_conversation_is_dropped_once_both_sides_are_gone_and_resumes_with_its_history()
    {
        var (_, dave) = await RegisterAsync("dave");
        var (_, erin) = await RegisterAsync("erin");
        var sent = await (await _hub.SendAsync(dave, null, "erin", "psst", "p1")).Value!.Completion;
        Assert.True(sent.Succeeded, sent.Error?.Message);
        Assert.Equal(2, _hub.ConversationsInMemory);
        _hub.Disconnect(erin, Piazza.Protocol.LeaveReason.Quit);
        _hub.Disconnect(dave, Piazza.Protocol.LeaveReason.Quit);

        var (_, watcher) = await RegisterAsync("frank"); // keeps the lobby attached, so only the private one may go
        _clock.Advance(LongerThanIdle);
        await SweepAsync();
        Assert.Equal(1, _hub.ConversationsInMemory);

        var again = new Recording();
        var login = await _hub.HelloAsync(again, new HelloRequest("erin", "correct horse battery", null, null, "127.0.0.1"));
        Assert.True(login.Succeeded, login.Error?.Message);
        Assert.Contains(again.Messages, m => m.Id == sent.Value!.Message.Id && m.Text == "psst");
        Assert.False(watcher.HasEnded);
    }

    [Fact]
    public async Task A_private_conversation_read_only_through_history_is_never_loaded_and_a_made_up_one_never_cached()
    {
        var (_, dave) = await RegisterAsync("dave");
        var (_, erin) = await RegisterAsync("erin");
        var sent = await (await _hub.SendAsync(dave, null, "erin", "psst", "p1")).Value!.Completion;
        Assert.True(sent.Succeeded, sent.Error?.Message);
        _hub.Disconnect(dave, Piazza.Protocol.LeaveReason.Quit);
        _hub.Disconnect(erin, Piazza.Protocol.LeaveReason.Quit);
        var (_, watcher) = await RegisterAsync("frank"); // keeps the lobby attached
        _clock.Advance(LongerThanIdle);
        await SweepAsync();
        Assert.Equal(1, _hub.ConversationsInMemory);

        // A request session (the REST door's) reads the real one and a made-up one: neither stays in memory.
        var reader = (await _hub.OpenRequestSessionAsync(erin.Token, new Recording())).Value!;
        var real = await _hub.HistoryAsync(reader, "@dave,erin", null, null, null, null, null);
        Assert.Equal(["psst"], real.Value!.Messages.Select(m => m.Text));
        var madeUp = await _hub.HistoryAsync(reader, "@erin,zed", null, null, null, null, null);
        Assert.Empty(madeUp.Value!.Messages);
        Assert.Equal(1, _hub.ConversationsInMemory);
        Assert.False(watcher.HasEnded);
    }

    [Fact]
    public async Task A_room_loaded_only_to_be_read_is_dropped_once_idle()
    {
        var (_, alice) = await RegisterAsync("alice");
        Assert.True((await _hub.JoinAsync(alice, "dev")).Succeeded);
        await SendAsync(alice, "dev", "kept");
        _hub.Disconnect(alice, Piazza.Protocol.LeaveReason.Quit);
        var (_, watcher) = await RegisterAsync("frank");
        _clock.Advance(LongerThanIdle);
        await SweepAsync();
        Assert.Equal(1, _hub.ConversationsInMemory);

        var reader = (await _hub.OpenRequestSessionAsync(alice.Token, new Recording())).Value!;
        Assert.Equal(["kept"], (await _hub.HistoryAsync(reader, "dev", null, null, null, null, null)).Value!.Messages.Select(m => m.Text));
        Assert.Equal(2, _hub.ConversationsInMemory); // loaded to be read, nobody attached

        _clock.Advance(LongerThanIdle);
        await SweepAsync();
        Assert.Equal(1, _hub.ConversationsInMemory);
        Assert.False(watcher.HasEnded);
    }
}
