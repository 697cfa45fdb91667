using Piazza.Core;
using Piazza.Core.Accounts;
using Piazza.Core.Messaging;
using Piazza.Core.Online;
using Piazza.Core.Ports;
using Piazza.Protocol;

namespace Piazza.UnitTests;

/// <summary>The core's small services on their own: name claims, recent client ids, the duration rule, hashing threads.</summary>
public class CoreServicesUnitTests
{
    private static NameClaim Account(string name) => new(UserNamePolicy.Fold(name), name, UserNamePolicy.Fold(name), true);

    private static NameClaim Guest(string name) => new(UserNamePolicy.Fold(name), name, "~" + UserNamePolicy.Fold(name), false);

    [Fact]
    public async Task An_accounts_devices_share_its_claim_and_the_name_is_free_after_the_last_one()
    {
        var claims = new InProcessNameClaims();
        var bob = Account("Bob");
        Assert.Equal(NameClaimStatus.Claimed, (await claims.TryClaimAsync(bob, NameSkeleton.Of("Bob"), false)).Status);
        Assert.Equal(NameClaimStatus.Claimed, (await claims.TryClaimAsync(bob, NameSkeleton.Of("Bob"), false)).Status);

        var guest = await claims.TryClaimAsync(Guest("bob"), NameSkeleton.Of("bob"), true);
        Assert.Equal((NameClaimStatus.Taken, "Bob"), (guest.Status, guest.Holder?.Name));

        claims.Release(bob);
        Assert.NotNull(await claims.FindAsync("bob"));
        claims.Release(bob);
        Assert.Null(await claims.FindAsync("bob"));
        Assert.Equal(NameClaimStatus.Claimed, (await claims.TryClaimAsync(Guest("bob"), NameSkeleton.Of("bob"), true)).Status);
    }

    [Fact]
    public async Task Two_guests_never_share_a_name_and_a_new_look_alike_is_refused()
    {
        var claims = new InProcessNameClaims();
        Assert.Equal(NameClaimStatus.Claimed, (await claims.TryClaimAsync(Guest("alice"), NameSkeleton.Of("alice"), true)).Status);
        Assert.Equal(NameClaimStatus.Taken, (await claims.TryClaimAsync(Guest("alice"), NameSkeleton.Of("alice"), true)).Status);

        // Cyrillic 'а' (U+0430) in place of Latin 'a': same skeleton, another name.
        var lookAlike = await claims.TryClaimAsync(Guest("\u0430lice"), NameSkeleton.Of("\u0430lice"), true);
        Assert.Equal((NameClaimStatus.LookAlike, "alice"), (lookAlike.Status, lookAlike.Holder?.Name));
        Assert.Null(await claims.FindLookAlikeAsync(NameSkeleton.Of("alice"), "alice", "~alice"));
    }

    [Fact]
    public async Task A_guest_registering_its_name_keeps_its_claim_as_the_account()
    {
        var claims = new InProcessNameClaims();
        await claims.TryClaimAsync(Guest("carol"), NameSkeleton.Of("carol"), true);
        await claims.ReassignAsync("carol", "~carol", "carol");
        Assert.Equal(NameClaimStatus.Claimed, (await claims.TryClaimAsync(Account("carol"), NameSkeleton.Of("carol"), false)).Status);
        Assert.Equal("carol", (await claims.FindAsync("carol"))?.Identity);
    }

    [Fact]
    public void Recent_sends_answer_repeats_forget_failures_and_keep_only_the_latest()
    {
        var sends = new RecentSends();
        var first = Task.FromResult(new SendOutcome(Message(1), Duplicate: false));
        var said = new SendContent("hi", null, null);
        sends.Remember("alice", "x", first, said);
        Assert.Same(first, sends.Find("alice", "x")!.Value.Send);
        Assert.Same(said, sends.Find("alice", "x")!.Value.Content);
        Assert.Null(sends.Find("bob", "x"));

        var failed = Task.FromException<SendOutcome>(new InvalidOperationException("store down"));
        sends.Remember("alice", "y", failed, said);
        sends.Forget("alice", "y", failed);
        Assert.Null(sends.Find("alice", "y"));

        for (var i = 0; i < RecentSends.Capacity; i++)
        {
            sends.Remember("alice", $"n{i}", Task.FromResult(new SendOutcome(Message(i + 2), Duplicate: false)), said);
        }

        Assert.Null(sends.Find("alice", "x"));
        Assert.NotNull(sends.Find("alice", $"n{RecentSends.Capacity - 1}"));
    }

    [Fact]
    public void A_retry_matches_what_was_sent_and_other_text_file_or_reply_does_not()
    {
        var sent = new SendContent("hi", "f1", "m1");
        Assert.True(sent.Matches(new SendContent("hi", "f1", "m1")));
        Assert.False(sent.Matches(new SendContent("hi!", "f1", "m1")));
        Assert.False(sent.Matches(new SendContent("hi", null, "m1")));
        Assert.False(sent.Matches(new SendContent("hi", "f1", null)));
        Assert.False(sent.Matches(new SendContent("HI", "f1", "m1")));

        // Read back from the store after an edit (text unknown) or a deletion (text and file unknown).
        Assert.True((sent with { TextKnown = false }).Matches(new SendContent("the first text", "f1", "m1")));
        Assert.False((sent with { TextKnown = false }).Matches(new SendContent("the first text", "f1", "m2")));
        Assert.True((sent with { TextKnown = false, FileKnown = false }).Matches(new SendContent("x", "f9", "m1")));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1e300)]
    [InlineData(36_500.0 * 86_400 + 1)]
    public void A_duration_outside_the_rule_is_refused_before_it_reaches_a_TimeSpan(double seconds)
        => Assert.Equal(ErrorCode.BadRequest, ModerationTerms.DurationFromSeconds(seconds).Error?.Code);

    [Fact]
    public void A_duration_inside_the_rule_is_accepted_by_both_doors_and_the_hub_alike()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), ModerationTerms.DurationFromSeconds(600).Value);
        Assert.True(ModerationTerms.CheckDuration(ModerationTerms.MaxDuration).Succeeded);
        Assert.False(ModerationTerms.CheckDuration(ModerationTerms.MaxDuration + TimeSpan.FromSeconds(1)).Succeeded);
    }

    private static MessageEvent Message(long seq) => new($"m{seq}", seq, "lobby", "lobby", "alice", null, "hi", DateTimeOffset.UnixEpoch);
}
