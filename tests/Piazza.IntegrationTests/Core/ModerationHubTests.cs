using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Storage.Sqlite;

namespace Piazza.IntegrationTests.Core;

/// <summary>Moderation in the hub on a real SQLite file, with a clock the test moves: expiries without waiting.</summary>
public sealed class ModerationHubTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-mod-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private SqliteChatStore _store = null!;
    private ChatHub _hub = null!;

    private sealed class Recording(string address = "127.0.0.1") : IChatConnection
    {
        public ConcurrentQueue<ChatEvent> Received { get; } = new();

        public int Closes;

        public string Door => "test";

        public string RemoteEndPoint => address + ":1";

        public string RemoteAddress => address;

        public bool TryEnqueue(ChatEvent chatEvent)
        {
            Received.Enqueue(chatEvent);
            return true;
        }

        public Task WaitForCapacityAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Close(bool flush) => Interlocked.Increment(ref Closes);
    }

    public async Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "hub.db") });
        _hub = new ChatHub(_store, new ChatHubOptions { PasswordIterations = 1000, FirstUserIsAdmin = true }, _clock);
        await _hub.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<(Recording Connection, ChatSession Session)> RegisterAsync(string name, string address = "127.0.0.1")
    {
        var connection = new Recording(address);
        var result = await _hub.RegisterAsync(connection, name, "correct horse battery");
        Assert.True(result.Succeeded, result.Error?.Message);
        return (connection, result.Value!);
    }

    private async Task<HubResult<ChatSession>> GuestAsync(string name, string address = "127.0.0.1")
        => await _hub.HelloAsync(new Recording(address), new HelloRequest(name, null, null, null, address));

    [Fact]
    public async Task A_timed_room_ban_refuses_joining_until_it_expires()
    {
        var (_, owner) = await RegisterAsync("alice");
        Assert.True((await _hub.JoinAsync(owner, "dev")).Succeeded);
        var (_, bob) = await RegisterAsync("bob");
        Assert.True((await _hub.JoinAsync(bob, "dev")).Succeeded);

        var ban = await _hub.BanAsync(owner, new ModerationRequest("dev", "bob", Reason: "cool off", Duration: TimeSpan.FromMinutes(10)));
        Assert.True(ban.Succeeded, ban.Error?.Message);
        Assert.DoesNotContain("dev", bob.User.Rooms);

        _clock.Advance(TimeSpan.FromMinutes(9));
        var refused = await _hub.JoinAsync(bob, "dev");
        Assert.Equal(ErrorCode.Banned, refused.Error?.Code);
        Assert.Equal(TimeSpan.FromMinutes(1), refused.Error?.RetryAfter);
        Assert.Contains("cool off", refused.Error!.Message, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await _hub.JoinAsync(bob, "dev")).Succeeded);
    }

    [Fact]
    public async Task A_timed_server_ban_and_a_timed_mute_end_on_their_own()
    {
        var (_, boss) = await RegisterAsync("boss");
        Assert.True(boss.User.IsAdmin, "the first account is admin when configured");
        var (_, bob) = await RegisterAsync("bob");
        Assert.False(bob.User.IsAdmin);

        Assert.True((await _hub.MuteAsync(boss, new ModerationRequest("lobby", "bob", Duration: TimeSpan.FromSeconds(30)))).Succeeded);
        Assert.Equal(ErrorCode.Muted, (await _hub.SendAsync(bob, "lobby", null, "hi", null)).Error?.Code);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await _hub.SendAsync(bob, "lobby", null, "hi", null)).Succeeded);

        Assert.True((await _hub.BanAsync(boss, new ModerationRequest(null, "mallory", Duration: TimeSpan.FromHours(1)))).Succeeded);
        Assert.Equal(ErrorCode.Banned, (await GuestAsync("mallory")).Error?.Code);
        Assert.Equal(ErrorCode.Banned, (await _hub.RegisterAsync(new Recording(), "Mallory", "correct horse battery")).Error?.Code);
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.True((await GuestAsync("mallory")).Succeeded);
    }

    [Fact]
    public async Task An_address_ban_spares_other_addresses_and_admins()
    {
        var (_, boss) = await RegisterAsync("boss", "10.0.0.1");
        var (victim, _) = await RegisterAsync("bob", "10.0.0.9");
        var (bystander, _) = await RegisterAsync("carol", "10.0.0.2");
        Assert.True((await _hub.BanAsync(boss, new ModerationRequest(null, null, Address: AddressText.Normalize("::ffff:10.0.0.9")))).Succeeded);

        Assert.Equal(1, victim.Closes);
        Assert.Contains(victim.Received, e => e is ModerationEvent { Kind: ModerationEvent.Banned });
        Assert.Equal(0, bystander.Closes);
        Assert.Equal(ErrorCode.Banned, (await GuestAsync("newcomer", "10.0.0.9")).Error?.Code);
        Assert.True((await GuestAsync("newcomer", "10.0.0.3")).Succeeded);
    }

    [Fact]
    public async Task The_operator_kick_and_every_moderation_action_are_audited()
    {
        var (_, boss) = await RegisterAsync("boss");
        var (_, bob) = await RegisterAsync("bob");
        Assert.True((await _hub.SetModeratorAsync(boss, new ModerationRequest("lobby", "bob"), moderator: true)).Succeeded);
        Assert.True((await _hub.MuteAsync(boss, new ModerationRequest("lobby", "bob", Reason: "loud"))).Succeeded);
        Assert.True(await _hub.KickAsync("bob", "bye"));

        var log = await _hub.AuditLogAsync(10);
        Assert.Equal(
            [("server", "admin", "boss"), ("boss", "op", "bob"), ("boss", "mute", "bob"), (ChatHub.OperatorName, "kick", "bob")],
            log.Select(e => (e.Actor, e.Action, e.Target)));
        Assert.Equal("loud", log[2].Reason);
        Assert.Equal("lobby", log[2].Room);
        Assert.Equal(_clock.GetUtcNow(), log[3].At);
        Assert.True(bob.HasEnded);
    }
}
