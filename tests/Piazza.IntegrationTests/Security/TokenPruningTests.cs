using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Piazza.Core;
using Piazza.Storage.Sqlite;

namespace Piazza.IntegrationTests.Security;

/// <summary>Issue 11, "token rows are never pruned": the hub deletes expired and revoked token rows as it issues new ones, on its clock.</summary>
public sealed class TokenPruningTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-tokens-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private SqliteChatStore _store = null!;
    private ChatHub _hub = null!;

    private string DatabasePath => Path.Combine(_folder, "hub.db");

    private sealed class Connection : IChatConnection
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

    public async Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = DatabasePath });
        _hub = new ChatHub(_store, new ChatHubOptions { PasswordIterations = 1000, TokenLifetime = TimeSpan.FromHours(2) }, _clock);
        await _hub.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private long TokenRows()
    {
        using var raw = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        raw.Open();
        using var count = raw.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM tokens;";
        return (long)count.ExecuteScalar()!;
    }

    private async Task<ChatSession> LoginAsync()
    {
        var result = await _hub.HelloAsync(new Connection(), new HelloRequest("alice", Password, null, null, "127.0.0.1"));
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Value!;
    }

    [Fact]
    public async Task Expired_and_revoked_token_rows_are_pruned_as_new_tokens_are_issued()
    {
        var registered = await _hub.RegisterAsync(new Connection(), "alice", Password);
        Assert.True(registered.Succeeded, registered.Error?.Message);
        var revoked = await LoginAsync();
        await _hub.RevokeTokenAsync(revoked);
        await LoginAsync();
        Assert.Equal(3, TokenRows());

        // Within the hour nothing is pruned (a prune per login would be a write per login).
        _clock.Advance(TimeSpan.FromMinutes(30));
        await LoginAsync();
        Assert.Equal(4, TokenRows());

        // An hour on: the revoked row goes; the others still work. Three hours on: only the newest is left.
        _clock.Advance(TimeSpan.FromMinutes(31));
        await LoginAsync();
        Assert.Equal(4, TokenRows());
        _clock.Advance(TimeSpan.FromHours(3));
        var latest = await LoginAsync();
        Assert.Equal(1, TokenRows());
        Assert.NotNull(latest.Token);
    }
}
