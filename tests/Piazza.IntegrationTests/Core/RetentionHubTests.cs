using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Piazza.Core;
using Piazza.Core.Retention;
using Piazza.Core.Storage;
using Piazza.Protocol;
using Piazza.Storage.Sqlite;

namespace Piazza.IntegrationTests.Core;

/// <summary>Retention in the hub on a real SQLite file, with a clock the test moves (docs/retention.md).</summary>
public sealed class RetentionHubTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-retention-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private SqliteChatStore _store = null!;
    private ChatHub _hub = null!;

    private sealed class Recording : IChatConnection
    {
        public ConcurrentQueue<ChatEvent> Received { get; } = new();

        public string Door => "test";

        public string RemoteEndPoint => "127.0.0.1:1";

        public string RemoteAddress => "127.0.0.1";

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

    public Task InitializeAsync() => StartAsync(serverDays: 30);

    private async Task StartAsync(int serverDays)
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "hub.db") });
        var noFloodLimits = new Piazza.Core.Limits.FloodLimits { MessagesPerSecond = 0, AccountMessagesPerSecond = 0, FramesPerSecond = 0 };
        _hub = new ChatHub(
            _store,
            new ChatHubOptions { PasswordIterations = 1000, FirstUserIsAdmin = true, Flood = noFloodLimits, Retention = new RetentionOptions { Days = serverDays } },
            _clock);
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
        var result = await _hub.RegisterAsync(connection, name, Password);
        Assert.True(result.Succeeded, result.Error?.Message);
        return (connection, result.Value!);
    }

    private async Task<MessageEvent> SendAsync(ChatSession session, string room, string text, string? fileId = null)
    {
        var accepted = await _hub.SendAsync(session, room, null, text, fileId, null);
        Assert.True(accepted.Succeeded, accepted.Error?.Message);
        var done = await accepted.Value!.Completion;
        Assert.True(done.Succeeded, done.Error?.Message);
        return done.Value!.Message;
    }

    private async Task<FileAttachment> StoredFileAsync(string owner, string id)
    {
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)));
        await _store.CreateUploadAsync(new UploadRecord("u-" + id, owner, 3, id + ".txt", null, sha, _clock.GetUtcNow()));
        var file = new FileRecord(id, owner, id + ".txt", 3, "text/plain", sha, _clock.GetUtcNow());
        await _store.CompleteUploadAsync("u-" + id, file);
        return file.ToAttachment();
    }

    [Fact]
    public async Task Messages_past_retention_go_with_their_search_entries_and_files_while_younger_and_pinned_ones_stay_and_history_says_where_it_begins()
    {
        await RegisterAsync("boss");
        var (_, alice) = await RegisterAsync("alice");
        var (_, bob) = await RegisterAsync("bob");
        Assert.True((await _hub.JoinAsync(alice, "dev")).Succeeded);
        Assert.True((await _hub.JoinAsync(bob, "dev")).Succeeded);
        var file = await StoredFileAsync("alice", "f1");

        await SendAsync(alice, "dev", "ancient words");                      // 1: goes
        var pinned = await SendAsync(alice, "dev", "ancient but pinned");   // 2: pinned, stays
        await SendAsync(alice, "dev", "ancient file", file.Id);             // 3: goes, and its file
        Assert.True((await _hub.PinAsync(alice, "dev", pinned.Id, pin: true)).Succeeded);
        _clock.Advance(TimeSpan.FromDays(31));
        await SendAsync(bob, "dev", "young words");                         // 4: stays

        var report = await _hub.ApplyRetentionAsync();

        var cut = Assert.Single(report.Cuts, c => c.Conversation == "dev");
        Assert.Equal((2, 4L, 30), (cut.Removed, cut.FirstSeq, cut.Days));
        Assert.Equal("f1", Assert.Single(cut.Files).FileId);
        Assert.Null(await _store.FindFileAsync("f1"));

        var history = await _hub.HistoryAsync(alice, "dev", null, null, null, 50, "h");
        Assert.Equal([2L, 4], history.Value!.Messages.Select(m => m.Seq));
        Assert.Equal(4, history.Value.FirstSeq);

        var found = await _hub.SearchAsync(alice, "ancient", null, 50, null);
        Assert.Equal(["ancient but pinned"], found.Value!.Results.Select(h => h.Message.Text));

        // Entering from memory: the ring no longer holds 1 and 3, so a newcomer is told where history begins.
        var (carolConnection, carol) = await RegisterAsync("carol");
        Assert.True((await _hub.JoinAsync(carol, "dev")).Succeeded);
        var catchUp = carolConnection.Received.OfType<HistoryEvent>().Where(h => h.Room == "dev").ToList();
        Assert.Equal([2L, 4], catchUp.SelectMany(h => h.Messages).Select(m => m.Seq));
        Assert.Equal(4, catchUp[0].FirstSeq);

        // A resume from below the cut is told too; a second run finds nothing more.
        var resumed = new Recording();
        var login = await _hub.HelloAsync(resumed, new HelloRequest("bob", Password, null, new Dictionary<string, long> { ["dev"] = 1 }, "127.0.0.1"));
        Assert.True(login.Succeeded, login.Error?.Message);
        var resumedDev = resumed.Received.OfType<HistoryEvent>().Where(h => h.Room == "dev").ToList();
        Assert.Equal(4, resumedDev[0].FirstSeq);
        Assert.Equal([2L, 4], resumedDev.SelectMany(h => h.Messages).Select(m => m.Seq));
        Assert.DoesNotContain((await _hub.ApplyRetentionAsync()).Cuts, c => c.Conversation == "dev");
    }

    [Fact]
    public async Task A_rooms_own_retention_wins_over_the_servers_and_only_its_owner_and_admins_may_set_it()
    {
        var (_, boss) = await RegisterAsync("boss");
        var (_, alice) = await RegisterAsync("alice");
        var (_, bob) = await RegisterAsync("bob");
        Assert.True((await _hub.JoinAsync(alice, "keep")).Succeeded);
        Assert.True((await _hub.JoinAsync(alice, "short")).Succeeded);
        Assert.True((await _hub.JoinAsync(bob, "short")).Succeeded);

        Assert.Equal(ErrorCode.Forbidden, (await _hub.SetRoomRetentionAsync(bob, "short", 1)).Error?.Code);
        Assert.Equal(ErrorCode.BadRequest, (await _hub.SetRoomRetentionAsync(alice, "short", RetentionRules.MaxDays + 1)).Error?.Code);
        Assert.Equal(ErrorCode.BadRequest, (await _hub.SetRoomRetentionAsync(alice, "short", -2)).Error?.Code);
        Assert.Equal(new RoomRetention("keep", 0, 0), (await _hub.SetRoomRetentionAsync(alice, "keep", 0)).Value);
        Assert.Equal(new RoomRetention("short", 2, 2), (await _hub.SetRoomRetentionAsync(boss, "short", 2)).Value); // an admin, not in it
        Assert.Equal(new RoomRetention("short", 2, 2), (await _hub.RoomInfoAsync(bob, "short")).Value!.Retention);

        await SendAsync(alice, "keep", "kept for good");
        await SendAsync(alice, "short", "three days old");
        _clock.Advance(TimeSpan.FromDays(3));
        await SendAsync(alice, "short", "fresh");

        var report = await _hub.ApplyRetentionAsync();

        Assert.Equal(["short"], report.Cuts.Select(c => c.Conversation));
        Assert.Single((await _hub.HistoryAsync(alice, "keep", null, null, null, 50, null)).Value!.Messages);

        // Back to the server's days: the room's info says so.
        Assert.Equal(new RoomRetention("short", null, 30), (await _hub.SetRoomRetentionAsync(alice, "short", RetentionRules.ServerDefault)).Value);
    }

    [Fact]
    public async Task A_private_rooms_retention_is_hidden_from_non_members_as_the_room_is()
    {
        await RegisterAsync("boss");
        var (_, alice) = await RegisterAsync("alice");
        var (_, bob) = await RegisterAsync("bob");
        Assert.True((await _hub.JoinAsync(alice, "secret", createPrivate: true, CancellationToken.None)).Succeeded);
        Assert.True((await _hub.SetRoomRetentionAsync(alice, "secret", 7)).Succeeded);

        Assert.Equal(ErrorCode.NoSuchRoom, (await _hub.RoomInfoAsync(bob, "secret")).Error?.Code);
        Assert.Equal(ErrorCode.NoSuchRoom, (await _hub.SetRoomRetentionAsync(bob, "secret", 1)).Error?.Code);
        Assert.Equal(7, (await _hub.RoomInfoAsync(alice, "secret")).Value!.Retention!.Days);
    }

    [Fact]
    public async Task Private_conversations_keep_the_servers_days_and_nothing_goes_when_it_keeps_everything()
    {
        await RegisterAsync("boss");
        var (_, alice) = await RegisterAsync("alice");
        await RegisterAsync("bob");
        var accepted = await _hub.SendAsync(alice, null, "bob", "old secret", null);
        Assert.True((await accepted.Value!.Completion).Succeeded);
        _clock.Advance(TimeSpan.FromDays(31));

        Assert.Equal(["@alice,bob"], (await _hub.ApplyRetentionAsync()).Cuts.Select(c => c.Conversation));
        Assert.Equal(2, (await _store.HistoryStartAsync("@alice,bob"))!.FirstSeq);
    }
}
