using Microsoft.Extensions.Time.Testing;
using Piazza.Core;
using Piazza.Core.Accounts;
using Piazza.Protocol;

namespace Piazza.UnitTests;

/// <summary>The login throttle on a fake clock (issue 11, "Anyone can lock an account"): waits are exact, with no waiting.</summary>
public sealed class LoginThrottleUnitTests
{
    private const string Attacker = "203.0.113.7";
    private const string Owner = "198.51.100.20";

    private readonly FakeTimeProvider _clock = new();

    private LoginThrottle Throttle(LoginLimits? limits = null) => new(limits ?? new LoginLimits { LoginsPerMinutePerAddress = 0 }, _clock);

    private static void AssertRefused(HubError? refusal, TimeSpan wait)
    {
        Assert.NotNull(refusal);
        Assert.Equal(ErrorCode.RateLimited, refusal.Code);
        // Rates per hour are not exact in binary: the wait may round up by a tick or so, never down.
        Assert.InRange(refusal.RetryAfter!.Value, wait, wait + TimeSpan.FromMilliseconds(1));
    }

    private static void Fail(LoginThrottle throttle, string account, string address, int times)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.Null(throttle.TryBeginLogin(account, address));
            throttle.Failed(account, address);
        }
    }

    [Fact]
    public void Failures_from_one_address_never_refuse_the_owner_at_another()
    {
        var throttle = Throttle();
        Fail(throttle, "alice", Attacker, 5);
        Assert.NotNull(throttle.TryBeginLogin("alice", Attacker));

        // The old rule refused this for up to 5 minutes, and one guess every 5 minutes kept it so.
        for (var minute = 0; minute < 30; minute++)
        {
            Assert.Null(throttle.TryBeginLogin("alice", Owner));
            _clock.Advance(TimeSpan.FromMinutes(5));
            throttle.TryBeginLogin("alice", Attacker);
            throttle.Failed("alice", Attacker);
        }
    }

    [Fact]
    public void After_the_free_failures_an_address_waits_one_second_doubling_up_to_the_maximum()
    {
        var throttle = Throttle();
        Fail(throttle, "alice", Attacker, 5);
        var expected = new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300 };
        foreach (var seconds in expected)
        {
            AssertRefused(throttle.TryBeginLogin("alice", Attacker), TimeSpan.FromSeconds(seconds));
            _clock.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromTicks(1));
            Assert.NotNull(throttle.TryBeginLogin("alice", Attacker));
            _clock.Advance(TimeSpan.FromTicks(1));
            Assert.Null(throttle.TryBeginLogin("alice", Attacker));
            throttle.Failed("alice", Attacker);
        }
    }

    [Fact]
    public void A_success_clears_that_address_for_that_account_only()
    {
        var throttle = Throttle();
        Fail(throttle, "alice", Attacker, 4);
        Fail(throttle, "bob", Attacker, 4);
        Assert.Null(throttle.TryBeginLogin("alice", Attacker));
        throttle.Succeeded("alice", Attacker);

        Fail(throttle, "alice", Attacker, 4);
        Assert.Null(throttle.TryBeginLogin("alice", Attacker));
        throttle.Failed("bob", Attacker);
        Assert.NotNull(throttle.TryBeginLogin("bob", Attacker));
    }

    [Fact]
    public void An_address_that_spends_its_failure_bucket_may_try_no_password_until_it_refills()
    {
        var throttle = Throttle();
        for (var i = 0; i < 20; i++)
        {
            Fail(throttle, $"victim{i}", Attacker, 1);
        }

        // 60 failures an hour: one frees up a minute after the burst is spent.
        AssertRefused(throttle.TryBeginLogin("alice", Attacker), TimeSpan.FromMinutes(1));
        Assert.Null(throttle.TryBeginLogin("alice", Owner));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(throttle.TryBeginLogin("alice", Attacker));
    }

    [Fact]
    public void An_account_under_attack_slows_each_failing_address_from_its_first_failure_but_never_a_clean_one()
    {
        var throttle = Throttle();
        for (var i = 0; i < 20; i++)
        {
            Fail(throttle, "alice", $"203.0.113.{i}", 1);
        }

        Assert.False(throttle.IsUnderAttack("alice"));
        Assert.Null(throttle.TryBeginLogin("alice", "203.0.113.0"));

        Fail(throttle, "alice", "192.0.2.1", 1);
        Assert.True(throttle.IsUnderAttack("alice"));
        AssertRefused(throttle.TryBeginLogin("alice", "192.0.2.1"), TimeSpan.FromSeconds(1));
        Assert.Null(throttle.TryBeginLogin("alice", Owner));
        Assert.False(throttle.IsUnderAttack("bob"));

        // The attack is over once the account's count drains below its burst (30 an hour: two minutes each).
        _clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromTicks(1));
        Assert.False(throttle.IsUnderAttack("alice"));
    }

    [Fact]
    public void IPv6_addresses_count_per_64_so_a_host_cannot_rotate_through_its_own_prefix()
    {
        var throttle = Throttle();
        for (var i = 1; i <= 5; i++)
        {
            Fail(throttle, "alice", $"2001:db8:1:2::{i:x}", 1);
        }

        Assert.NotNull(throttle.TryBeginLogin("alice", "2001:db8:1:2:ffff::1"));
        Assert.Null(throttle.TryBeginLogin("alice", "2001:db8:1:3::1"));
    }

    [Fact]
    public void Password_logins_and_registrations_are_bucketed_per_address()
    {
        var throttle = Throttle(new LoginLimits());
        for (var i = 0; i < 10; i++)
        {
            Assert.Null(throttle.TryBeginLogin("alice", Attacker));
            throttle.Succeeded("alice", Attacker);
        }

        // 30 a minute after a burst of 10: one more every 2 s.
        AssertRefused(throttle.TryBeginLogin("alice", Attacker), TimeSpan.FromSeconds(2));
        Assert.Null(throttle.TryBeginLogin("alice", Owner));

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(throttle.TryBeginRegistration(Attacker));
        }

        // 20 an hour after a burst of 5: one more every 3 minutes.
        AssertRefused(throttle.TryBeginRegistration(Attacker), TimeSpan.FromMinutes(3));
        Assert.Null(throttle.TryBeginRegistration(Owner));
        _clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Null(throttle.TryBeginRegistration(Attacker));
    }

    [Fact]
    public void Limits_of_zero_turn_the_address_buckets_off()
    {
        var throttle = Throttle(new LoginLimits { LoginsPerMinutePerAddress = 0, RegistrationsPerHourPerAddress = 0, AddressFailuresPerHour = 0, AccountFailuresPerHour = 0 });
        for (var i = 0; i < 100; i++)
        {
            Assert.Null(throttle.TryBeginRegistration(Attacker));
            Fail(throttle, $"victim{i}", Attacker, 4);
        }

        Assert.False(throttle.IsUnderAttack("victim0"));
    }

    [Fact]
    public void Records_are_forgotten_once_they_hold_nobody_back_so_memory_stays_bounded()
    {
        var throttle = Throttle(new LoginLimits { LoginsPerMinutePerAddress = 0 });
        for (var i = 0; i < 20; i++)
        {
            Fail(throttle, $"victim{i}", Attacker, 1);
            Assert.Null(throttle.TryBeginRegistration($"192.0.2.{i}"));
        }

        Assert.True(throttle.RecordCount > 40);
        _clock.Advance(LoginThrottle.ForgetAfter);
        Assert.Null(throttle.TryBeginLogin("alice", Owner)); // any call sweeps when a sweep is due
        Assert.Equal(0, throttle.RecordCount);
    }
}
