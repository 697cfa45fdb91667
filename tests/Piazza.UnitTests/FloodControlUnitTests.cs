using Microsoft.Extensions.Time.Testing;
using Piazza.Core;
using Piazza.Core.Limits;
using Piazza.Protocol;

namespace Piazza.UnitTests;

/// <summary>The flood buckets on a fake clock: refills and windows are exact, with no waiting.</summary>
public class FloodControlUnitTests
{
    private readonly FakeTimeProvider _clock = new();

    private sealed class Connection : IChatConnection
    {
        public string Door => "test";

        public string RemoteEndPoint => "127.0.0.1:1";

        public string RemoteAddress => "127.0.0.1";

        public bool TryEnqueue(ChatEvent chatEvent) => true;

        public Task WaitForCapacityAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Close(bool flush)
        {
        }
    }

    private FloodControl Flood(FloodLimits limits) => new(limits, _clock);

    private static ChatSession Session(string name, IChatConnection connection)
        => new(new ChatUser(name, registered: true), connection, DateTimeOffset.UnixEpoch, token: null);

    [Fact]
    public async Task The_burst_is_granted_at_once_then_refusals_name_the_exact_wait_for_the_next_token()
    {
        await using var flood = Flood(new FloodLimits { FramesPerSecond = 0.5, FrameBurst = 3 });
        var connection = new Connection();
        Assert.Null(flood.TryAcquireFrame(connection));
        Assert.Null(flood.TryAcquireFrame(connection));
        Assert.Null(flood.TryAcquireFrame(connection));
        var refused = flood.TryAcquireFrame(connection);
        Assert.Equal(ErrorCode.RateLimited, refused?.Code);
        Assert.Equal(TimeSpan.FromSeconds(2), refused!.RetryAfter);

        _clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(TimeSpan.FromSeconds(1.5), flood.TryAcquireFrame(connection)?.RetryAfter);

        // Buckets are per connection.
        Assert.Null(flood.TryAcquireFrame(new Connection()));
    }

    [Fact]
    public async Task Waiting_the_announced_retry_after_is_enough_and_one_tick_less_is_not()
    {
        await using var flood = Flood(new FloodLimits { FramesPerSecond = 3, FrameBurst = 1 });
        var connection = new Connection();
        Assert.Null(flood.TryAcquireFrame(connection));
        var wait = flood.TryAcquireFrame(connection)!.RetryAfter!.Value;

        _clock.Advance(wait - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(flood.TryAcquireFrame(connection));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(flood.TryAcquireFrame(connection));
    }

    [Fact]
    public async Task The_sustained_rate_is_exactly_the_configured_one()
    {
        await using var flood = Flood(new FloodLimits { FramesPerSecond = 10, FrameBurst = 1 });
        var connection = new Connection();
        var granted = 0;
        for (var step = 0; step < 1000; step++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(10));
            if (flood.TryAcquireFrame(connection) is null)
            {
                granted++;
            }
        }

        // 10 s at 10 per second, starting from a full bucket of one.
        Assert.Equal(100, granted);
    }

    [Fact]
    public async Task A_bucket_refills_only_to_its_burst_however_long_it_rests()
    {
        await using var flood = Flood(new FloodLimits { FramesPerSecond = 1, FrameBurst = 2 });
        var connection = new Connection();
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(flood.TryAcquireFrame(connection));
        Assert.Null(flood.TryAcquireFrame(connection));
        Assert.NotNull(flood.TryAcquireFrame(connection));
    }

    [Fact]
    public async Task The_account_budget_spans_sessions_and_each_session_has_its_own()
    {
        await using var flood = Flood(new FloodLimits { MessagesPerSecond = 1, MessageBurst = 2, AccountMessagesPerSecond = 1, AccountMessageBurst = 3 });
        var phone = Session("alice", new Connection());
        var laptop = Session("alice", new Connection());
        Assert.Null(flood.TryAcquireMessage(phone));
        Assert.Null(flood.TryAcquireMessage(phone));
        Assert.NotNull(flood.TryAcquireMessage(phone)); // the connection's two are spent
        Assert.Null(flood.TryAcquireMessage(laptop));
        Assert.Equal(TimeSpan.FromSeconds(1), flood.TryAcquireMessage(laptop)?.RetryAfter); // the account's three are spent

        Assert.Null(flood.TryAcquireMessage(Session("bob", new Connection())));

        // Long after the sweep interval, a refilled account bucket is as good as new.
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(flood.TryAcquireMessage(Session("bob", new Connection())));
        Assert.Null(flood.TryAcquireMessage(laptop));
        Assert.Null(flood.TryAcquireMessage(phone));
        Assert.Null(flood.TryAcquireMessage(phone));
        Assert.NotNull(flood.TryAcquireMessage(laptop));
    }

    [Fact]
    public async Task History_reads_have_their_own_budget_per_connection_and_per_account_apart_from_messages()
    {
        await using var flood = Flood(new FloodLimits { ReadsPerSecond = 1, ReadBurst = 2, AccountReadsPerSecond = 0.5, AccountReadBurst = 3 });
        var phone = Session("alice", new Connection());
        var laptop = Session("alice", new Connection());
        Assert.Null(flood.TryAcquireRead(phone));
        Assert.Null(flood.TryAcquireRead(phone));
        Assert.Equal(ErrorCode.RateLimited, flood.TryAcquireRead(phone)?.Code); // the connection's two are spent
        Assert.Null(flood.TryAcquireAccountRead(laptop)); // a resume id: the account's third
        Assert.Equal(TimeSpan.FromSeconds(2), flood.TryAcquireRead(laptop)?.RetryAfter); // the account's three are spent
        Assert.Null(flood.TryAcquireMessage(laptop)); // sends are not reads

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(flood.TryAcquireRead(laptop));
        Assert.NotNull(flood.TryAcquireAccountRead(phone));
    }

    [Fact]
    public async Task Refusals_beyond_the_budget_call_for_a_disconnect_until_the_window_passes()
    {
        await using var flood = Flood(new FloodLimits { RefusalsBeforeDisconnect = 2, RefusalWindow = TimeSpan.FromMinutes(1) });
        var connection = new Connection();
        Assert.True(flood.TryRecordRefusal(connection));
        Assert.True(flood.TryRecordRefusal(connection));
        Assert.False(flood.TryRecordRefusal(connection));
        Assert.True(flood.TryRecordRefusal(new Connection()));

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(flood.TryRecordRefusal(connection));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(flood.TryRecordRefusal(connection));
    }

    [Fact]
    public async Task A_zero_rate_turns_a_limit_off()
    {
        await using var flood = Flood(new FloodLimits { FramesPerSecond = 0, MessagesPerSecond = 0, AccountMessagesPerSecond = 0, RefusalsBeforeDisconnect = 0 });
        var connection = new Connection();
        var session = Session("alice", connection);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Null(flood.TryAcquireFrame(connection));
            Assert.Null(flood.TryAcquireMessage(session));
            Assert.True(flood.TryRecordRefusal(connection));
        }
    }
}
