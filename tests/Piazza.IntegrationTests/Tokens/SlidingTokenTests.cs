using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Piazza.Core;
using Piazza.Core.Tokens;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;
using Piazza.Storage.Sqlite;

namespace Piazza.IntegrationTests.Tokens;

/// <summary>
/// Session tokens slide on the hub's clock: a token in use is renewed (its use written at most once an hour), one
/// left unused expires after the lifetime; named tokens keep their own expiry. A fake clock drives the hub.
/// </summary>
public sealed class SlidingTokenTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(3);
    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-sliding-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private SqliteChatStore _store = null!;
    private ChatHub _hub = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "hub.db") });
        _hub = new ChatHub(_store, new ChatHubOptions { PasswordIterations = 1000, TokenLifetime = Lifetime }, _clock);
        await _hub.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<ChatSession> RegisterAsync()
    {
        var registered = await _hub.RegisterAsync(new HubTestConnection(), "alice", Password, client: "piazza-tui/0.1");
        Assert.True(registered.Succeeded, registered.Error?.Message);
        return registered.Value!;
    }

    private Task<HubResult<ChatSession>> OpenAsync(string token) => _hub.OpenRequestSessionAsync(token, new HubTestConnection());

    [Fact]
    public async Task A_token_in_use_is_renewed_and_an_unused_one_expires_after_the_lifetime()
    {
        var first = await RegisterAsync();
        var used = first.Token!;
        var idle = (await _hub.HelloAsync(new HubTestConnection(), new HelloRequest("alice", Password, null, null, "127.0.0.1"))).Value!.Token!;

        // Every 2 hours (each over the renewal interval, each under the 3 h lifetime) for 12 hours: still valid.
        for (var i = 0; i < 6; i++)
        {
            _clock.Advance(TimeSpan.FromHours(2));
            Assert.True((await OpenAsync(used)).Succeeded, $"the used token expired after {(i + 1) * 2} h");
        }

        Assert.Equal(ErrorCode.AuthFailed, (await OpenAsync(idle)).Error?.Code);

        // Left alone for the lifetime, the used one goes too.
        _clock.Advance(Lifetime);
        Assert.Equal(ErrorCode.AuthFailed, (await OpenAsync(used)).Error?.Code);
    }

    [Fact]
    public async Task A_use_is_written_at_most_once_per_renewal_interval()
    {
        var session = await RegisterAsync();
        var start = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.True((await OpenAsync(session.Token!)).Succeeded);
        var listed = Assert.Single((await _hub.SessionsAsync(session)).Value!);
        Assert.Equal(start, listed.LastUsedAt); // 10 minutes after issue: not written
        Assert.Equal(start + Lifetime, listed.ExpiresAt);
        Assert.Equal("piazza-tui/0.1 (test)", listed.Label);
        Assert.True(listed.Current);

        _clock.Advance(TimeSpan.FromMinutes(55));
        Assert.True((await OpenAsync(session.Token!)).Succeeded);
        listed = Assert.Single((await _hub.SessionsAsync(session)).Value!);
        Assert.Equal(start.AddMinutes(65), listed.LastUsedAt);
        Assert.Equal(start.AddMinutes(65) + Lifetime, listed.ExpiresAt);
    }

    [Fact]
    public async Task A_named_token_keeps_its_own_expiry_and_records_its_last_use()
    {
        var session = await RegisterAsync();
        var created = await _hub.CreateTokenAsync(session, "nightly", ["read"], days: 2);
        Assert.True(created.Succeeded, created.Error?.Message);
        var start = _clock.GetUtcNow();

        _clock.Advance(TimeSpan.FromDays(1));
        var opened = await OpenAsync(created.Value!.Secret);
        Assert.Equal(TokenScope.Read, opened.Value!.Scopes);
        var listed = Assert.Single((await _hub.TokensAsync(session)).Value!);
        Assert.Equal(("nightly", TokenScope.Read, start, start.AddDays(1), start.AddDays(2)), (listed.Name, listed.Scopes, listed.CreatedAt, listed.LastUsedAt, listed.ExpiresAt));

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(ErrorCode.AuthFailed, (await OpenAsync(created.Value.Secret)).Error?.Code); // use did not extend it
    }

    [Fact]
    public async Task Bad_token_requests_get_coded_errors()
    {
        var session = await RegisterAsync();
        Assert.Equal(ErrorCode.BadRequest, (await _hub.CreateTokenAsync(session, "has space", ["read"], null)).Error?.Code);
        Assert.Equal(ErrorCode.BadRequest, (await _hub.CreateTokenAsync(session, null, ["read"], null)).Error?.Code);
        Assert.Equal(ErrorCode.BadRequest, (await _hub.CreateTokenAsync(session, "x", ["write"], null)).Error?.Code);
        Assert.Equal(ErrorCode.BadRequest, (await _hub.CreateTokenAsync(session, "x", [], null)).Error?.Code);
        Assert.Equal(ErrorCode.BadRequest, (await _hub.CreateTokenAsync(session, "x", ["read"], 0)).Error?.Code);
        Assert.True((await _hub.CreateTokenAsync(session, "x", ["read"], null)).Succeeded);
        Assert.Equal(ErrorCode.NameTaken, (await _hub.CreateTokenAsync(session, "x", ["send"], null)).Error?.Code);
        Assert.Equal(ErrorCode.NotFound, (await _hub.RevokeNamedTokenAsync(session, "y")).Error?.Code);
        Assert.Equal(ErrorCode.NotFound, (await _hub.RevokeSessionsAsync(session, "0011223344556677", others: false)).Error?.Code);
        Assert.Equal(ErrorCode.BadRequest, (await _hub.RevokeSessionsAsync(session, null, others: false)).Error?.Code);

        var guest = await _hub.HelloAsync(new HubTestConnection(), new HelloRequest("gus", null, null, null, "127.0.0.1"));
        Assert.Equal(ErrorCode.Forbidden, (await _hub.TokensAsync(guest.Value!)).Error?.Code);
    }
}
