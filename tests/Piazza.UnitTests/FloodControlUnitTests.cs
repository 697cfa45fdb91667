using System.Diagnostics;
using Piazza.Core;
using Piazza.Core.Limits;
using Piazza.Protocol;

namespace Piazza.UnitTests;

public class FloodControlUnitTests
{
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

    [Fact]
    public async Task The_burst_is_granted_at_once_then_refusals_name_a_retry_after()
    {
        await using var flood = new FloodControl(new FloodLimits { FramesPerSecond = 0.5, FrameBurst = 3 });
        var connection = new Connection();
        Assert.Null(flood.TryAcquireFrame(connection));
        Assert.Null(flood.TryAcquireFrame(connection));
        Assert.Null(flood.TryAcquireFrame(connection));
        var refused = flood.TryAcquireFrame(connection);
        Assert.Equal(ErrorCode.RateLimited, refused?.Code);
        Assert.InRange(refused!.RetryAfter!.Value.TotalSeconds, 0.1, 2.2);

        // Buckets are per connection.
        Assert.Null(flood.TryAcquireFrame(new Connection()));
    }

    [Fact]
    public async Task The_sustained_rate_never_exceeds_the_configured_one()
    {
        // An upper bound only (a loaded machine may grant fewer): this catches a bucket refilled too often.
        await using var flood = new FloodControl(new FloodLimits { FramesPerSecond = 10, FrameBurst = 1 });
        var connection = new Connection();
        var clock = Stopwatch.StartNew();
        var granted = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            if (flood.TryAcquireFrame(connection) is null)
            {
                granted++;
            }

            await Task.Delay(5);
        }

        Assert.InRange(granted, 1, (int)(10 * clock.Elapsed.TotalSeconds) + 2);
    }

    [Fact]
    public async Task Refusals_beyond_the_budget_call_for_a_disconnect()
    {
        await using var flood = new FloodControl(new FloodLimits { RefusalsBeforeDisconnect = 2, RefusalWindow = TimeSpan.FromMinutes(1) });
        var connection = new Connection();
        Assert.True(flood.TryRecordRefusal(connection));
        Assert.True(flood.TryRecordRefusal(connection));
        Assert.False(flood.TryRecordRefusal(connection));
        Assert.True(flood.TryRecordRefusal(new Connection()));
    }

    [Fact]
    public async Task A_zero_rate_turns_a_limit_off()
    {
        await using var flood = new FloodControl(new FloodLimits { FramesPerSecond = 0, RefusalsBeforeDisconnect = 0 });
        var connection = new Connection();
        for (var i = 0; i < 1000; i++)
        {
            Assert.Null(flood.TryAcquireFrame(connection));
            Assert.True(flood.TryRecordRefusal(connection));
        }
    }
}
