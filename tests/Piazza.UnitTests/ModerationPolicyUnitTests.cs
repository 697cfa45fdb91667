using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.UnitTests;

/// <summary>Who may do what: the rules every moderation frame goes through.</summary>
public class ModerationPolicyUnitTests
{
    [Theory]
    [InlineData(false, false, false, ModerationRank.Member)]
    [InlineData(false, false, true, ModerationRank.Moderator)]
    [InlineData(false, true, true, ModerationRank.Owner)]
    [InlineData(true, false, false, ModerationRank.Admin)]
    public void Rank_takes_the_highest_role(bool admin, bool owner, bool moderator, ModerationRank expected)
        => Assert.Equal(expected, ModerationPolicy.RankOf(admin, owner, moderator));

    [Theory]
    [InlineData(ModerationRank.Member, ModerationRank.Member, false)]
    [InlineData(ModerationRank.Moderator, ModerationRank.Member, true)]
    [InlineData(ModerationRank.Moderator, ModerationRank.Moderator, false)]
    [InlineData(ModerationRank.Moderator, ModerationRank.Owner, false)]
    [InlineData(ModerationRank.Owner, ModerationRank.Moderator, true)]
    [InlineData(ModerationRank.Admin, ModerationRank.Owner, true)]
    [InlineData(ModerationRank.Admin, ModerationRank.Admin, false)]
    public void Only_moderators_act_and_only_on_lower_ranks(ModerationRank actor, ModerationRank target, bool allowed)
        => Assert.Equal(allowed, ModerationPolicy.CanActOn(actor, target));

    [Theory]
    [InlineData(ModerationRank.Member, ModerationRank.Member, false)]
    [InlineData(ModerationRank.Moderator, ModerationRank.Member, true)] // the banner was deopped since
    [InlineData(ModerationRank.Moderator, ModerationRank.Moderator, true)] // moderators are peers
    [InlineData(ModerationRank.Moderator, ModerationRank.Owner, false)] // the issue: a moderator lifted the owner's ban
    [InlineData(ModerationRank.Owner, ModerationRank.Admin, false)]
    [InlineData(ModerationRank.Admin, ModerationRank.Admin, true)]
    public void A_ban_is_lifted_only_by_a_moderator_of_at_least_the_banners_rank(ModerationRank actor, ModerationRank bannedBy, bool allowed)
        => Assert.Equal(allowed, ModerationPolicy.CanLiftBan(actor, bannedBy));

    [Theory]
    [InlineData(ModerationRank.Moderator, ModerationRank.Member, false)]
    [InlineData(ModerationRank.Owner, ModerationRank.Member, true)]
    [InlineData(ModerationRank.Owner, ModerationRank.Moderator, true)]
    [InlineData(ModerationRank.Admin, ModerationRank.Moderator, true)]
    [InlineData(ModerationRank.Owner, ModerationRank.Admin, false)]
    public void Owners_and_admins_make_moderators(ModerationRank actor, ModerationRank target, bool allowed)
        => Assert.Equal(allowed, ModerationPolicy.CanChangeModerators(actor, target));

    [Theory]
    [InlineData(ModerationRank.Member, true, ModerationRank.Member, true)]
    [InlineData(ModerationRank.Member, false, ModerationRank.Member, false)]
    [InlineData(ModerationRank.Moderator, false, ModerationRank.Member, true)]
    [InlineData(ModerationRank.Moderator, false, ModerationRank.Moderator, false)]
    [InlineData(ModerationRank.Owner, false, ModerationRank.Admin, false)]
    [InlineData(ModerationRank.Admin, false, ModerationRank.Owner, true)]
    [InlineData(ModerationRank.Moderator, true, ModerationRank.Moderator, true)]
    public void Authors_delete_their_own_and_moderators_those_of_lower_ranks(ModerationRank actor, bool author, ModerationRank authorRank, bool allowed)
        => Assert.Equal(allowed, ModerationPolicy.CanDelete(actor, author, authorRank));

    [Theory]
    [InlineData(ModerationRank.Member, false, true)]
    [InlineData(ModerationRank.Member, true, false)]
    [InlineData(ModerationRank.Moderator, true, true)]
    public void A_locked_topic_is_for_moderators(ModerationRank actor, bool locked, bool allowed)
        => Assert.Equal(allowed, ModerationPolicy.CanSetTopic(actor, locked));

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    public void Server_wide_actions_are_for_admins_against_non_admins(bool actorAdmin, bool targetAdmin, bool allowed)
        => Assert.Equal(allowed, ModerationPolicy.CanActServerWide(actorAdmin, targetAdmin));

    [Fact]
    public void A_ban_is_active_until_its_expiry_and_forever_without_one()
    {
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var timed = new BanRecord(1, null, BanKind.User, "bob", null, "root", now, now.AddMinutes(5));
        Assert.True(timed.IsActive(now.AddMinutes(4)));
        Assert.False(timed.IsActive(now.AddMinutes(5)));
        Assert.True((timed with { ExpiresAt = null }).IsActive(now.AddYears(50)));
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1")]
    [InlineData("[::1]", "::1")]
    [InlineData("2001:DB8::1", "2001:db8::1")]
    [InlineData("example.org", null)]
    [InlineData("", null)]
    public void Addresses_are_compared_in_one_form(string input, string? expected)
        => Assert.Equal(expected, AddressText.Normalize(input));
}
