using Microsoft.Extensions.Time.Testing;
using Piazza.Core.Limits;
using Piazza.Protocol;

namespace Piazza.UnitTests;

/// <summary>The room creation buckets (issue 11, rooms without bound) on a fake clock.</summary>
public sealed class RoomCreationThrottleUnitTests
{
    private static readonly RoomCreationLimits Limits = new() { PerAccountPerMinute = 1, AccountBurst = 3, PerAddressPerMinute = 2, AddressBurst = 5 };

    [Fact]
    public void An_account_gets_its_burst_then_one_room_per_minute()
    {
        var clock = new FakeTimeProvider();
        var throttle = new RoomCreationThrottle(Limits, clock);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(throttle.TryAcquire("alice", "10.0.0.1"));
        }

        var refused = throttle.TryAcquire("alice", "10.0.0.1");
        Assert.Equal(ErrorCode.RateLimited, refused?.Code);
        Assert.InRange(refused!.RetryAfter!.Value.TotalSeconds, 59.9, 60.1);

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(throttle.TryAcquire("alice", "10.0.0.1"));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(throttle.TryAcquire("alice", "10.0.0.1"));
    }

    [Fact]
    public void Many_guests_on_one_address_share_its_budget()
    {
        var clock = new FakeTimeProvider();
        var throttle = new RoomCreationThrottle(Limits, clock);
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(throttle.TryAcquire($"~guest{i}", "10.0.0.1"));
        }

        Assert.Equal(ErrorCode.RateLimited, throttle.TryAcquire("~guest5", "10.0.0.1")?.Code);
        Assert.Null(throttle.TryAcquire("~guest5", "10.0.0.2"));

        // Two per minute: one room every 30 s for the whole address.
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(throttle.TryAcquire("~guest6", "10.0.0.1"));
        Assert.NotNull(throttle.TryAcquire("~guest7", "10.0.0.1"));
    }

    [Fact]
    public void An_IPv6_host_cannot_escape_the_address_budget_by_changing_the_low_64_bits()
    {
        var throttle = new RoomCreationThrottle(Limits, new FakeTimeProvider());
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(throttle.TryAcquire($"~g{i}", $"2001:db8:1:2::{i + 1:x}"));
        }

        Assert.NotNull(throttle.TryAcquire("~g5", "2001:db8:1:2:ffff::1"));
        Assert.Null(throttle.TryAcquire("~g5", "2001:db8:1:3::1"));
    }

    [Fact]
    public void An_address_out_of_budget_does_not_drain_the_accounts_budget()
    {
        var clock = new FakeTimeProvider();
        var throttle = new RoomCreationThrottle(Limits with { AddressBurst = 1, PerAddressPerMinute = 1 }, clock);
        Assert.Null(throttle.TryAcquire("alice", "10.0.0.1"));
        for (var i = 0; i < 10; i++)
        {
            Assert.NotNull(throttle.TryAcquire("alice", "10.0.0.1"));
        }

        // alice spent one of her three: two more from elsewhere, then the account's own limit.
        Assert.Null(throttle.TryAcquire("alice", "10.0.0.2"));
        Assert.Null(throttle.TryAcquire("alice", "10.0.0.3"));
        Assert.NotNull(throttle.TryAcquire("alice", "10.0.0.4"));
    }

    [Fact]
    public void A_rate_of_zero_turns_a_limit_off()
    {
        var throttle = new RoomCreationThrottle(new RoomCreationLimits { PerAccountPerMinute = 0, PerAddressPerMinute = 0 }, new FakeTimeProvider());
        for (var i = 0; i < 1000; i++)
        {
            Assert.Null(throttle.TryAcquire("alice", "10.0.0.1"));
        }
    }
}
